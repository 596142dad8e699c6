// The `local` provider really runs a job's command as a child process on this machine.
// The image is ignored. It stands in for any GPU during development, at a price of 0,
// and is chosen only when a job's placement.networks names it. Never enable it in AWS:
// it runs whatever command a customer sends.
//
// At most once across our own crashes: each run has a folder with a record written before the
// spawn and an exit code its wrapper writes (./run-folder.ts, ./wrapper.ts). Everything status()
// says comes from that folder and the process table, never from memory, so after a kill -9 and
// a restart with the same runsDir a run that is still going is adopted (same pid, start time and
// marker), one that ended while we were down reports its recorded exit code, and one that cannot
// be adopted (its wrapper is gone, or it was being stopped) is killed and confirmed dead before
// status answers, so the reconciler's failover can never overlap it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
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
  type ReleaseState,
} from '../../core/provider.js';
import { isRunLeader, killRunAndConfirm, runMembers, startTimeOf } from './processes.js';
import { commandHash, listRunFolders, RunFolder, type RunRecord } from './run-folder.js';
import { wrapped } from './wrapper.js';

const KILL_GRACE_MS = 2000;

export interface LocalProviderConfig {
  /** GPU models it pretends to have; unset accepts any model. */
  gpuModels?: string[];
  maxGpuCount?: number;
  /** Where run folders live; keep it across restarts (npm start: <data>/local-runs). A private temp dir when unset. */
  runsDir?: string;
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
  private readonly runsDir: string;
  /** A private temp dir (no runsDir given): removed with the runs at stopAll, as nothing can adopt them. */
  private readonly ownsRunsDir: boolean;
  /** Runs whose SIGKILL after the grace is already scheduled. */
  private readonly stopping = new Set<string>();
  /** Runs this process spawned (their handles reap them) or adopted (their time limit is re-armed). */
  private readonly watched = new Map<string, { child?: ChildProcess; timer?: NodeJS.Timeout }>();

  constructor(private readonly config: LocalProviderConfig = {}) {
    this.ownsRunsDir = config.runsDir === undefined;
    this.runsDir = config.runsDir ?? mkdtempSync(join(tmpdir(), 'switchyard-local-runs-'));
    mkdirSync(this.runsDir, { recursive: true });
  }

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
    if (request.command.length === 0) throw new ProviderError('permanent', 'the job has no command');
    const folder = new RunFolder(this.runsDir, request.attemptId);
    // A record means this attempt was launched already (a retried launch, or one before a crash): never twice.
    if (folder.exists()) return { providerRef: request.attemptId };
    const argv = wrapped(folder.exitFile, request.command);
    const record: RunRecord = {
      attemptId: request.attemptId,
      jobId: request.jobId,
      commandHash: commandHash(argv),
      launchedAt: new Date().toISOString(),
      maxDurationSeconds: request.maxDurationSeconds,
    };
    folder.create(record); // before the spawn: a crash right after it still leaves the record
    const output = openSync(folder.outputFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        cwd: folder.workdir,
        // Only the job's own env: the server's environment (and its secrets) never leaks in.
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ...request.env,
          ...runtimeFolders(request.env, folder.workdir),
          SWITCHYARD_JOB_ID: request.jobId,
          SWITCHYARD_ATTEMPT_ID: request.attemptId, // also the marker that tells the run's processes from others
        },
        detached: true, // own process group, so a stop reaches the command's children too
        stdio: ['ignore', output, output], // a file, not a pipe: the run writes on when we are gone
      });
    } finally {
      closeSync(output);
    }
    child.on('error', () => undefined); // sh missing: no exit file, the run reads as lost
    const pid = child.pid;
    if (pid !== undefined) {
      const startTime = startTimeOf(pid);
      folder.write({ ...record, pid, pgid: pid, ...(startTime !== undefined ? { startTime } : {}) });
    }
    this.watch(folder, { ...record, ...(pid !== undefined ? { pid } : {}) }, child);
    return { providerRef: request.attemptId };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const folder = this.folderOf(ref.attemptId);
    const record = folder.read()!;
    const exitCode = folder.exitCode();
    if (folder.marked('stopped')) {
      // Stopped with Switchyard (an orderly stop): that machine is gone; the job fails over.
      await this.killLeftovers(folder, record);
      throw new ProviderError('unknown-job', `the local run of ${ref.attemptId} was stopped when Switchyard stopped`);
    }
    if (folder.marked('lost')) {
      // Lost by hand (loseMachine): the machine is gone, as a host that vanishes mid-run.
      await this.killLeftovers(folder, record);
      return { state: 'lost', providerFault: true, resource: 'gone', message: 'the machine was lost (local mode: lost by hand)', outputTail: folder.outputTail() };
    }
    if (exitCode !== undefined) return this.ended(folder, exitCode);
    if (record.pid !== undefined && isRunLeader(record.pid, record.startTime, folder.marker) && !folder.marked('cancelled')) {
      // Past its time limit and being stopped: say so now, before the agent's exit report of the kill is read as a plain failure.
      if (folder.marked('timed-out')) return { state: 'failed', timedOut: true, message: 'killed at maxDurationSeconds', outputTail: folder.outputTail() };
      if (!this.watched.has(ref.attemptId)) this.watch(folder, record); // adopted after a restart
      return { state: 'running', outputTail: folder.outputTail() };
    }
    if (folder.exitCode() !== undefined) return this.ended(folder, folder.exitCode()!); // it ended just now
    // No exit code and no wrapper (killed, or never spawned), or a stop under way: nothing of it may run on.
    await this.killLeftovers(folder, record);
    if (folder.marked('cancelled')) return { state: 'failed', message: 'cancelled', outputTail: folder.outputTail(), resource: 'gone' };
    if (folder.marked('timed-out')) return { state: 'failed', timedOut: true, message: 'killed at maxDurationSeconds', outputTail: folder.outputTail() };
    return { state: 'lost', message: 'the local run ended without an exit code (its wrapper was killed)', outputTail: folder.outputTail() };
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const folder = this.folderOf(ref.attemptId);
    const record = folder.read()!;
    folder.mark('cancelled');
    this.stop(folder, record);
  }

  /** Stopped and confirmed gone (no process of the run left): only then are its files removed. */
  async release(ref: AttemptRef): Promise<ReleaseState> {
    const folder = new RunFolder(this.runsDir, ref.attemptId);
    const record = folder.read();
    if (!record) return 'released'; // never launched here, or pruned long after its release
    if (folder.marked('released')) return 'released';
    if (runMembers(record.pgid, folder.marker).length > 0) {
      if (folder.exitCode() === undefined) folder.mark('cancelled');
      this.stop(folder, record);
      return 'pending';
    }
    this.unwatch(ref.attemptId);
    folder.releaseFiles();
    return 'released';
  }

  /** Runs not yet released: the sweep stops (and so removes) those no live attempt owns. */
  async listOwned(): Promise<AttemptRef[]> {
    return listRunFolders(this.runsDir)
      .filter((f) => f.exists())
      .map((f) => ({ attemptId: f.attemptId, providerRef: f.attemptId }));
  }

  /**
   * Local mode's stand-in for a host that vanishes mid-run (README "Lose a machine"): the
   * attempt's processes are killed at once (SIGKILL, so no SIGTERM checkpoint either) and
   * its status reads lost, so the reconciler fails it over. False when nothing runs.
   */
  loseMachine(attemptId: string): boolean {
    const folder = new RunFolder(this.runsDir, attemptId);
    const record = folder.read();
    const pgid = record?.pgid;
    if (!record || pgid === undefined || folder.exitCode() !== undefined || folder.marked('lost') || !isRunLeader(pgid, record.startTime, folder.marker)) return false;
    folder.mark('lost');
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
    return true;
  }

  /** The attempt's working folder (its outputs/ and checkpoints/ live inside); for tests and people. */
  workdirOf(attemptId: string): string | undefined {
    const folder = new RunFolder(this.runsDir, attemptId);
    return folder.exists() ? folder.workdir : undefined;
  }

  /** The process group the attempt runs in (its leader is the wrapper); for tests. */
  processGroupOf(attemptId: string): number | undefined {
    return new RunFolder(this.runsDir, attemptId).read()?.pgid;
  }

  async logs(ref: AttemptRef): Promise<string> {
    return new RunFolder(this.runsDir, ref.attemptId).outputTail();
  }

  /**
   * Stops every run when the local runtime shuts down in order, and waits for them to go.
   * They are marked first: after the restart they read as lost machines, not as failed commands.
   */
  async stopAll(): Promise<void> {
    const stopping: Promise<unknown>[] = [];
    for (const attemptId of this.watched.keys()) {
      const folder = new RunFolder(this.runsDir, attemptId);
      const record = folder.read();
      if (!record || folder.exitCode() !== undefined) continue;
      folder.mark('stopped');
      this.stop(folder, record);
      stopping.push(this.killAfterGrace(folder, record.pgid));
    }
    await Promise.all(stopping);
    for (const attemptId of [...this.watched.keys()]) this.unwatch(attemptId);
    if (this.ownsRunsDir) rmSync(this.runsDir, { recursive: true, force: true });
  }

  private folderOf(attemptId: string): RunFolder {
    const folder = new RunFolder(this.runsDir, attemptId);
    if (!folder.exists()) throw new ProviderError('unknown-job', `no local run for attempt ${attemptId}`);
    return folder;
  }

  private ended(folder: RunFolder, exitCode: number): ProviderStatus {
    const outputTail = folder.outputTail();
    if (folder.marked('timed-out')) return { state: 'failed', timedOut: true, message: 'killed at maxDurationSeconds', exitCode, outputTail };
    const message = exitCode > 128 ? `killed by signal ${exitCode - 128}` : undefined;
    return { state: exitCode === 0 ? 'succeeded' : 'failed', exitCode, outputTail, ...(message ? { message } : {}) };
  }

  /** Keeps the child handle (so it is reaped) and the run's time limit, counted from its launch. */
  private watch(folder: RunFolder, record: RunRecord, child?: ChildProcess): void {
    const remainingMs = Date.parse(record.launchedAt) + record.maxDurationSeconds * 1000 - Date.now();
    const timer = setTimeout(() => {
      folder.mark('timed-out');
      this.stop(folder, folder.read() ?? record);
    }, Math.max(0, remainingMs));
    timer.unref();
    this.watched.set(folder.attemptId, { ...(child ? { child } : {}), timer });
    child?.once('exit', () => clearTimeout(timer));
  }

  private unwatch(attemptId: string): void {
    clearTimeout(this.watched.get(attemptId)?.timer);
    this.watched.delete(attemptId);
  }

  /** SIGTERM to the run's group (the wrapper waits for the command and records its code), SIGKILL after a grace. */
  private stop(folder: RunFolder, record: RunRecord): void {
    const pgid = record.pgid;
    if (pgid === undefined || !isRunLeader(pgid, record.startTime, folder.marker)) {
      void this.killLeftovers(folder, record);
      return;
    }
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (this.stopping.has(folder.attemptId)) return;
    this.stopping.add(folder.attemptId);
    void this.killAfterGrace(folder, pgid).finally(() => this.stopping.delete(folder.attemptId));
  }

  private async killAfterGrace(folder: RunFolder, pgid: number | undefined): Promise<void> {
    const deadline = Date.now() + KILL_GRACE_MS;
    while (Date.now() < deadline && runMembers(pgid, folder.marker).length > 0) await new Promise((r) => setTimeout(r, 50));
    await killRunAndConfirm(pgid, folder.marker);
  }

  /** Whatever is left of a run that cannot be adopted dies now, and is confirmed dead, before anyone relaunches it. */
  private async killLeftovers(folder: RunFolder, record: RunRecord): Promise<void> {
    if (!(await killRunAndConfirm(record.pgid, folder.marker))) {
      throw new ProviderError('transient', `local run ${folder.attemptId} did not die on SIGKILL; asked again next pass`);
    }
  }
}
