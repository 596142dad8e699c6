// Child servers (DynamoDB Local) tied to this process's life, and stopped as a whole tree.
//
// Why: a child spawned plainly outlives its parent when the parent dies without running its
// cleanup (kill -9, a test runner that exits before its teardown ends, a crashed worker), and
// it is then orphaned to init for good. So the server runs under a tiny watchdog (plain node,
// no dependencies) in a process group of its own:
//   - the watchdog's stdin is a pipe from us; when it closes (we exited or died, by any signal)
//     the watchdog stops the server: SIGTERM, then SIGKILL after a grace period;
//   - stopProcessTree signals the whole group (watchdog, server and anything the server forked),
//     escalating to SIGKILL, and resolves once the group leader has exited.
import { spawn, type ChildProcess, type StdioPipe } from 'node:child_process';

const GRACE_MS = 5000;

const WATCHDOG = `
const { spawn } = require('node:child_process');
const { constants } = require('node:os');
const [command, ...args] = JSON.parse(process.env.SWITCHYARD_WATCHDOG_COMMAND);
const grace = Number(process.env.SWITCHYARD_WATCHDOG_GRACE_MS);
delete process.env.SWITCHYARD_WATCHDOG_COMMAND;
delete process.env.SWITCHYARD_WATCHDOG_GRACE_MS;
const server = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  setTimeout(() => server.kill('SIGKILL'), grace).unref();
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);
server.on('error', (e) => { console.error(String(e)); process.exit(127); });
server.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
`;

export interface TiedSpawnOptions {
  cwd?: string;
  stdout?: 'pipe' | 'ignore' | 'inherit';
  stderr?: 'pipe' | 'ignore' | 'inherit';
  graceMs?: number;
}

/** Spawns `command args` under the watchdog; the returned child is the watchdog (the group leader). */
export const spawnTiedToThisProcess = (command: string, args: string[], options: TiedSpawnOptions = {}): ChildProcess => {
  // The command goes by environment, not argv, so `pgrep -f <server args>` finds the server alone.
  const child = spawn(process.execPath, ['-e', WATCHDOG], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, SWITCHYARD_WATCHDOG_COMMAND: JSON.stringify([command, ...args]), SWITCHYARD_WATCHDOG_GRACE_MS: String(options.graceMs ?? GRACE_MS) },
    detached: true, // its own process group, so a stop reaches every process under it
    stdio: ['pipe', options.stdout ?? 'pipe', options.stderr ?? 'pipe'] as [StdioPipe, StdioPipe, StdioPipe],
  });
  // The lifeline must not keep this process alive, and must not be written to.
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  // An orderly exit (process.exit after a missed teardown) stops it at once; the lifeline covers the rest.
  const onExit = () => child.pid !== undefined && signalGroup(child.pid, 'SIGTERM');
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  return child;
};

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
};

/** Stops the child's whole process group: SIGTERM, SIGKILL after graceMs; resolves when it has exited. */
export const stopProcessTree = (child: ChildProcess, graceMs = GRACE_MS): Promise<void> =>
  new Promise((resolve) => {
    const pid = child.pid;
    if (pid === undefined) return resolve();
    const exited = child.exitCode !== null || child.signalCode !== null;
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    const done = () => {
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes with it.
      signalGroup(pid, 'SIGKILL');
      resolve();
    };
    if (exited) return done();
    child.once('exit', done);
    signalGroup(pid, 'SIGTERM');
  });
