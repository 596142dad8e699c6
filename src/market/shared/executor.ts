// Runs a fake market's launched workloads for real, on this machine, so that the run-time
// contract (agent, logs, checkpoints, outputs) is exercised end to end through a provider's
// API. The image is ignored (there is no container): the command runs as a child process in
// its own process group with only the environment the launch gave it, and the declared
// run-time folders (SWITCHYARD_OUTPUTS_DIR, SWITCHYARD_CHECKPOINT_DIR, container paths like
// /checkpoints) become folders of the workload's own working directory.
// `lose(id)` simulates a lost machine: SIGKILL to the whole group, no grace, no SIGTERM
// handler, no final checkpoint, exactly as a host that vanishes.
// Test and local-mode scaffolding: never part of a provider adapter.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNTIME_FOLDERS = [
  ['SWITCHYARD_OUTPUTS_DIR', 'outputs'],
  ['SWITCHYARD_CHECKPOINT_DIR', 'checkpoints'],
] as const;
const STOP_GRACE_MS = 5000;

export type ExecutionState =
  | { state: 'running'; startedAt: number }
  | { state: 'exited'; startedAt: number; endedAt: number; exitCode: number }
  | { state: 'lost'; startedAt: number; endedAt: number };

interface Execution {
  child: ChildProcess;
  workdir: string;
  result: ExecutionState;
}

export class WorkloadExecutor {
  private readonly runs = new Map<string, Execution>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts `command` for workload `id` (a repeat for the same id does nothing). */
  start(id: string, command: string[], env: Record<string, string>): void {
    if (this.runs.has(id)) return;
    const [file, ...args] = command;
    const workdir = mkdtempSync(join(tmpdir(), 'switchyard-exec-'));
    const folders: Record<string, string> = {};
    for (const [name, sub] of RUNTIME_FOLDERS) {
      if (env[name] === undefined) continue;
      folders[name] = join(workdir, sub);
      mkdirSync(folders[name], { recursive: true });
    }
    const startedAt = this.now();
    const child = spawn(file ?? 'false', args, {
      cwd: workdir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workdir, ...env, ...folders },
      detached: true,
      stdio: 'ignore',
    });
    const run: Execution = { child, workdir, result: { state: 'running', startedAt } };
    this.runs.set(id, run);
    const end = (exitCode: number) => {
      if (run.result.state === 'running') run.result = { state: 'exited', startedAt, endedAt: this.now(), exitCode };
    };
    child.on('error', (error: NodeJS.ErrnoException) => end(error.code === 'ENOENT' ? 127 : 126));
    child.on('close', (code, signal) => end(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  }

  state(id: string): ExecutionState | undefined {
    return this.runs.get(id)?.result;
  }

  /** The machine vanishes: the whole process group is killed at once. */
  lose(id: string): void {
    const run = this.runs.get(id);
    if (!run || run.result.state !== 'running') return;
    run.result = { state: 'lost', startedAt: run.result.startedAt, endedAt: this.now() };
    signalGroup(run.child, 'SIGKILL');
  }

  /** A provider-side stop (terminate, cancel): SIGTERM, then SIGKILL after a grace. */
  stop(id: string): void {
    const run = this.runs.get(id);
    if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
    signalGroup(run.child, 'SIGTERM');
    setTimeout(() => signalGroup(run.child, 'SIGKILL'), STOP_GRACE_MS).unref();
  }

  /** Kills everything and removes the working directories (fake shutdown). */
  stopAll(): void {
    for (const run of this.runs.values()) {
      signalGroup(run.child, 'SIGKILL');
      rmSync(run.workdir, { recursive: true, force: true });
    }
  }
}

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
