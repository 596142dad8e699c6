// The fake AWS Batch service's job model: jobs, their simulated lifecycle, and the
// JobDetail / JobSummary shapes DescribeJobs and ListJobs return
// (https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDetail.html).
// Capacity: each job needs a whole host from the scenario's inventory; the fake picks
// the cheapest free host with enough GPUs, as a BEST_FIT compute environment would.
// Without one the job waits in RUNNABLE with the documented statusReason
// "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY" and, after the start delay, fails with it
// (what a job queue's jobStateTimeLimitActions CANCEL does).
import { Inventory, phaseAt, type Scenario, type Workload } from '../shared/index.js';
import type { ExecutionState, WorkloadExecutor } from '../shared/executor.js';

export interface FakeBatchJob {
  jobId: string;
  jobArn: string;
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  image: string;
  command: string[];
  environment: Array<{ name: string; value: string }>;
  resourceRequirements: Array<{ type: string; value: string }>;
  tags: Record<string, string>;
  createdAt: number;
  workload: Workload;
  hostId?: number;
  /** Set by TerminateJob: when, why, and whether the job had started. */
  terminated?: { at: number; reason: string; wasStarted: boolean };
}

export type BatchStatus = 'SUBMITTED' | 'PENDING' | 'RUNNABLE' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

interface Snapshot {
  status: BatchStatus;
  statusReason?: string;
  exitCode?: number;
  startedAt?: number;
  stoppedAt?: number;
}

export const CAPACITY_REASON = 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY';

export class FakeBatchJobs {
  readonly jobs = new Map<string, FakeBatchJob>();
  readonly inventory: Inventory;

  constructor(
    private readonly scenario: Scenario,
    /** Optional: run each started job's command for real (src/market/shared/executor.ts). */
    private readonly executor?: WorkloadExecutor,
  ) {
    this.inventory = new Inventory(scenario);
  }

  /** Accepts a job: draws its plan and, unless refused, rents it a host. */
  add(job: Omit<FakeBatchJob, 'workload' | 'createdAt'>): FakeBatchJob {
    const now = this.scenario.now();
    let plan = this.scenario.takeLaunchPlan();
    const gpus = Number(job.resourceRequirements.find((r) => r.type === 'GPU')?.value ?? '0');
    let hostId: number | undefined;
    if (plan.kind !== 'refuse') {
      const host = this.inventory
        .free((h) => h.gpus >= gpus)
        .sort((a, b) => a.pricePerGpuHourUsd * a.gpus - b.pricePerGpuHourUsd * b.gpus)[0];
      if (host) hostId = this.inventory.rent(host.id, job.jobId)?.id;
      else plan = { kind: 'refuse' };
    }
    const stored: FakeBatchJob = {
      ...job,
      createdAt: now,
      workload: { acceptedAt: now, plan, startDelayMs: this.scenario.startDelayMs, runMs: this.scenario.runMs },
      ...(hostId === undefined ? {} : { hostId }),
    };
    this.jobs.set(stored.jobId, stored);
    if (this.executor) this.executeWhenStarted(stored);
    return stored;
  }

  snapshot(job: FakeBatchJob): Snapshot {
    const now = this.scenario.now();
    const w = job.workload;
    const startedAt = w.acceptedAt + w.startDelayMs;
    const executed = !job.terminated ? this.executor?.state(job.jobId) : undefined;
    if (executed) return executedSnapshot(job, executed);
    if (job.terminated) {
      const reason = job.terminated.reason;
      return job.terminated.wasStarted
        ? { status: 'FAILED', statusReason: reason, exitCode: 137, startedAt, stoppedAt: job.terminated.at }
        : { status: 'FAILED', statusReason: reason, stoppedAt: job.terminated.at };
    }
    if (w.plan.kind === 'refuse') {
      return now - w.acceptedAt < w.startDelayMs
        ? { status: 'RUNNABLE', statusReason: CAPACITY_REASON }
        : { status: 'FAILED', statusReason: CAPACITY_REASON, stoppedAt: w.acceptedAt + w.startDelayMs };
    }
    const phase = phaseAt(w, now);
    switch (phase.phase) {
      case 'provisioning':
        return { status: now === w.acceptedAt ? 'SUBMITTED' : 'RUNNABLE' };
      case 'starting':
        return { status: 'STARTING' };
      case 'running':
        return { status: 'RUNNING', startedAt };
      case 'lost':
        return {
          status: 'FAILED',
          statusReason: `Host EC2 (instance i-0fake${String(job.hostId ?? 0).padStart(8, '0')}) terminated.`,
          startedAt,
          stoppedAt: now,
        };
      case 'exited':
        return phase.exitCode === 0
          ? { status: 'SUCCEEDED', statusReason: 'Essential container in task exited', exitCode: 0, startedAt, stoppedAt: startedAt + w.runMs }
          : { status: 'FAILED', statusReason: 'Essential container in task exited', exitCode: phase.exitCode, startedAt, stoppedAt: startedAt + w.runMs };
    }
  }

  /** Gives hosts of finished jobs back to the market; called before every request. */
  settle(): void {
    for (const job of this.jobs.values()) {
      if (job.hostId === undefined) continue;
      const s = this.snapshot(job).status;
      if (s === 'SUCCEEDED' || s === 'FAILED') {
        this.inventory.release(job.jobId);
        delete job.hostId;
      }
    }
  }

  detail(job: FakeBatchJob): Record<string, unknown> {
    const s = this.snapshot(job);
    const container = {
      image: job.image,
      command: job.command,
      environment: job.environment,
      resourceRequirements: job.resourceRequirements,
      ...(s.exitCode === undefined ? {} : { exitCode: s.exitCode }),
    };
    const attempt =
      s.status === 'SUCCEEDED' || (s.status === 'FAILED' && s.startedAt !== undefined)
        ? [{ container: { ...(s.exitCode === undefined ? {} : { exitCode: s.exitCode }) }, startedAt: s.startedAt, stoppedAt: s.stoppedAt, statusReason: s.statusReason }]
        : [];
    return {
      jobArn: job.jobArn,
      jobName: job.jobName,
      jobId: job.jobId,
      jobQueue: job.jobQueue,
      status: s.status,
      ...(s.statusReason ? { statusReason: s.statusReason } : {}),
      attempts: attempt,
      createdAt: job.createdAt,
      ...(s.startedAt === undefined ? {} : { startedAt: s.startedAt }),
      ...(s.stoppedAt === undefined ? {} : { stoppedAt: s.stoppedAt }),
      jobDefinition: job.jobDefinition,
      container,
      tags: job.tags,
      propagateTags: true,
      ...(job.terminated ? (job.terminated.wasStarted ? { isTerminated: true } : { isCancelled: true }) : {}),
    };
  }

  summary(job: FakeBatchJob): Record<string, unknown> {
    const s = this.snapshot(job);
    return {
      jobArn: job.jobArn,
      jobId: job.jobId,
      jobName: job.jobName,
      createdAt: job.createdAt,
      status: s.status,
      ...(s.statusReason ? { statusReason: s.statusReason } : {}),
      ...(s.exitCode === undefined ? {} : { container: { exitCode: s.exitCode } }),
      jobDefinition: job.jobDefinition,
    };
  }

  terminate(job: FakeBatchJob, reason: string): void {
    const s = this.snapshot(job).status;
    if (s === 'SUCCEEDED' || s === 'FAILED') return; // TerminateJob on a finished job changes nothing.
    job.terminated = { at: this.scenario.now(), reason, wasStarted: s === 'STARTING' || s === 'RUNNING' };
    this.inventory.release(job.jobId);
    delete job.hostId;
    this.executor?.stop(job.jobId);
  }

  // --- Executed workloads (only with an executor): the command really runs once the start
  // delay has passed; its exit decides the job's end, and loseMachine() takes the host away.

  /** The host under a running job disappears (as Spot reclaims it): the command is killed at once. */
  loseMachine(jobId: string): void {
    this.executor?.lose(jobId);
  }

  private executeWhenStarted(job: FakeBatchJob): void {
    const plan = job.workload.plan;
    if (plan.kind === 'refuse' || plan.kind === 'hang') return;
    const env = Object.fromEntries(job.environment.map((e) => [e.name, e.value]));
    setTimeout(() => {
      if (job.terminated) return;
      this.executor!.start(job.jobId, job.command, env);
      if (plan.kind === 'lost') setTimeout(() => this.loseMachine(job.jobId), plan.afterMs).unref();
    }, job.workload.startDelayMs).unref();
  }
}

const executedSnapshot = (job: FakeBatchJob, run: ExecutionState): Snapshot => {
  switch (run.state) {
    case 'running':
      return { status: 'RUNNING', startedAt: run.startedAt };
    case 'lost':
      return {
        status: 'FAILED',
        statusReason: `Host EC2 (instance i-0fake${String(job.hostId ?? 0).padStart(8, '0')}) terminated.`,
        startedAt: run.startedAt,
        stoppedAt: run.endedAt,
      };
    case 'exited':
      return {
        status: run.exitCode === 0 ? 'SUCCEEDED' : 'FAILED',
        statusReason: 'Essential container in task exited',
        exitCode: run.exitCode,
        startedAt: run.startedAt,
        stoppedAt: run.endedAt,
      };
  }
};
