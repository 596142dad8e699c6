// The `local` provider really runs a job's command as a child process on this machine.
// The image is ignored. It stands in for any GPU during development, at a price of 0,
// and is chosen only when a job's placement.networks names it. Never enable it in AWS:
// it runs whatever command a customer sends.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProviderError,
  type AttemptRef,
  type LaunchRequest,
  type LaunchResult,
  type Offer,
  type OfferQuery,
  type Provider,
  type ProviderInfo,
  type ProviderStatus,
} from '../../core/provider.js';

const OUTPUT_TAIL_BYTES = 4096;
const KILL_GRACE_MS = 2000;

interface Run {
  child?: ChildProcess;
  workdir: string;
  state: 'running' | 'succeeded' | 'failed';
  exitCode?: number;
  message?: string;
  timedOut: boolean;
  /** Lost by hand (loseMachine): the machine is gone, as a host that vanishes mid-run. */
  lost?: boolean;
  output: string;
  timer?: NodeJS.Timeout;
}

export interface LocalProviderConfig {
  /** GPU models it pretends to have; unset accepts any model. */
  gpuModels?: string[];
  maxGpuCount?: number;
}

/**
 * There is no container here: the declared outputs and checkpoint folders become folders of
 * the attempt's own working directory, so two attempts on this machine never share them.
 */
const runtimeFolders = (env: Record<string, string>, workdir: string): Record<string, string> => {
  const folders: Record<string, string> = {};
  for (const [name, sub] of [
    ['SWITCHYARD_OUTPUTS_DIR', 'outputs'],
    ['SWITCHYARD_CHECKPOINT_DIR', 'checkpoints'],
  ] as const) {
    if (env[name] === undefined) continue;
    folders[name] = join(workdir, sub);
    mkdirSync(folders[name], { recursive: true });
  }
  return folders;
};

export class LocalProvider implements Provider {
  readonly name = 'local';
  readonly kind = 'local' as const;
  readonly explicitOnly = true;
  private readonly runs = new Map<string, Run>();

  constructor(private readonly config: LocalProviderConfig = {}) {}

  info(): ProviderInfo {
    return {
      name: this.name,
      kind: this.kind,
      enabled: true,
      catalog: (this.config.gpuModels ?? ['any']).map((gpuModel) => ({ gpuModel, vramGb: 0, pricePerGpuHourUsd: 0 })),
      health: 'healthy',
      note: 'runs the command on this machine; chosen only when placement.networks names "local"',
    };
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    const models = this.config.gpuModels ? query.gpu.models.filter((m) => this.config.gpuModels!.includes(m)) : query.gpu.models;
    if (query.gpu.count > (this.config.maxGpuCount ?? Number.MAX_SAFE_INTEGER)) return [];
    return models.map((gpuModel) => ({
      provider: this.name,
      offerId: `local-${gpuModel}`,
      gpuModel,
      gpuCount: query.gpu.count,
      vramGb: query.gpu.minVramGb ?? 0,
      pricePerGpuHourUsd: 0,
      expectedStartSeconds: 0,
    }));
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    if (this.runs.has(request.attemptId)) return { providerRef: request.attemptId }; // a retried launch
    const [file, ...args] = request.command;
    if (!file) throw new ProviderError('permanent', 'the job has no command');
    const workdir = mkdtempSync(join(tmpdir(), 'switchyard-job-'));
    const run: Run = { state: 'running', timedOut: false, output: '', workdir };
    this.runs.set(request.attemptId, run);
    const child = spawn(file, args, {
      cwd: workdir,
      // Only the job's own env: the server's environment (and its secrets) never leaks in.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...request.env,
        ...runtimeFolders(request.env, workdir),
        SWITCHYARD_JOB_ID: request.jobId,
        SWITCHYARD_ATTEMPT_ID: request.attemptId,
      },
      detached: true, // own process group, so a kill reaches the command's children too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run.child = child;
    const append = (chunk: Buffer) => {
      run.output = (run.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    child.on('error', (error: NodeJS.ErrnoException) => {
      run.state = 'failed';
      run.exitCode = error.code === 'ENOENT' ? 127 : 126;
      run.message = `could not start ${file}: ${error.code ?? error.message}`;
      clearTimeout(run.timer);
    });
    child.on('close', (code, signal) => {
      clearTimeout(run.timer);
      if (run.state !== 'running') return;
      run.exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      run.state = run.exitCode === 0 && !run.timedOut ? 'succeeded' : 'failed';
      if (signal) run.message = `killed by ${signal}`;
    });
    run.timer = setTimeout(() => {
      run.timedOut = true;
      this.kill(run);
    }, request.maxDurationSeconds * 1000);
    run.timer.unref();
    return { providerRef: request.attemptId };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const run = this.runs.get(ref.attemptId);
    if (!run) throw new ProviderError('unknown-job', `no local run for attempt ${ref.attemptId}`);
    const common = { outputTail: run.output, ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}) };
    if (run.lost) return { state: 'lost', providerFault: true, resource: 'gone', message: 'the machine was lost (local mode: lost by hand)', ...common };
    if (run.state === 'running') return { state: 'running', ...common };
    if (run.timedOut) return { state: 'failed', timedOut: true, message: 'killed at maxDurationSeconds', ...common };
    return { state: run.state, ...common, ...(run.message ? { message: run.message } : {}) };
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const run = this.runs.get(ref.attemptId);
    if (!run) throw new ProviderError('unknown-job', `no local run for attempt ${ref.attemptId}`);
    this.kill(run);
  }

  /**
   * Local mode's stand-in for a host that vanishes mid-run (README "Lose a machine"): the
   * attempt's processes are killed at once (SIGKILL, so no SIGTERM checkpoint either) and
   * its status reads lost, so the reconciler fails it over. False when nothing runs.
   */
  loseMachine(attemptId: string): boolean {
    const run = this.runs.get(attemptId);
    const pid = run?.child?.pid;
    if (!run || run.state !== 'running' || run.lost || pid === undefined) return false;
    run.lost = true;
    run.state = 'failed'; // the close handler then leaves the run as it is
    clearTimeout(run.timer);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    return true;
  }

  /** The attempt's working folder (its outputs/ and checkpoints/ live inside); for tests and people. */
  workdirOf(attemptId: string): string | undefined {
    return this.runs.get(attemptId)?.workdir;
  }

  /** The process group the attempt runs in (its leader is the agent, or the command); for tests. */
  processGroupOf(attemptId: string): number | undefined {
    return this.runs.get(attemptId)?.child?.pid;
  }

  async logs(ref: AttemptRef): Promise<string> {
    return this.runs.get(ref.attemptId)?.output ?? '';
  }

  /** Stops every child; used when the local runtime shuts down. */
  stopAll(): void {
    for (const run of this.runs.values()) this.kill(run);
  }

  private kill(run: Run): void {
    const child = run.child;
    const pid = child?.pid;
    if (!child || pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS).unref();
  }
}
