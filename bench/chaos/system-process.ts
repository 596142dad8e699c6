// The local system as a chaos run sees it: `src/local/main.ts --data DIR` in a process group of
// its own, killed with SIGKILL as a whole (DynamoDB Local's JVM included: it sits in its
// watchdog's group, found by its -dbPath) and restarted on the same data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAOS_REPORT_FILE, type ChaosReport } from '../../src/local/chaos-report.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SystemProcessOptions {
  dataDir: string;
  port: number;
  env: Record<string, string>;
}

export class SystemProcess {
  private child: ChildProcess | undefined;
  /** Bumped on every kill: a request that failed in a different generation was cut by us. */
  generation = 0;
  up = false;
  private readyWaiters: Array<() => void> = [];

  constructor(private readonly options: SystemProcessOptions) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts', '--data', this.options.dataDir, '--port', String(this.options.port)], {
      env: { ...process.env, SWITCHYARD_QUIET: '1', ...this.options.env },
      detached: true, // its own process group: kill -9 of the group is a crash of everything we started
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('Press Ctrl-C')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
      child.once('exit', (code) => reject(new Error(`switchyard exited (${code}) before it was ready: ${output.slice(-3000)}`)));
    });
    child.stdout!.resume();
    child.stderr!.resume();
    this.up = true;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  whenUp(): Promise<void> {
    return this.up ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  /** kill -9 of the whole group and of the JVM; resolves once nothing of it is left. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.up = false;
    this.generation += 1;
    const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const pid of this.javaPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    while (this.javaPids().length > 0) await sleep(100);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    this.up = false;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }

  /** Asks the running system for a chaos report (SIGUSR2) and waits for the fresh file. */
  async report(timeoutMs = 30_000): Promise<ChaosReport | undefined> {
    const pid = this.child?.pid;
    if (!pid || !this.up) return undefined;
    const path = join(this.options.dataDir, CHAOS_REPORT_FILE);
    const before = this.read(path);
    process.kill(pid, 'SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const now = this.read(path);
      if (now && now.pid === pid && (!before || before.pid !== pid || now.sequence > before.sequence)) return now;
      await sleep(100);
    }
    return undefined;
  }

  private read(path: string): ChaosReport | undefined {
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as ChaosReport;
    } catch {
      return undefined;
    }
  }

  private javaPids(): number[] {
    const out = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*${this.options.dataDir}`], { encoding: 'utf8' }).stdout;
    return out.split('\n').filter(Boolean).map(Number);
  }
}
