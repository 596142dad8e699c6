// The fake Dispersed API's jobs and job runs: where a job is at a given instant, and the
// objects GET /v1/jobs[/{uuid}] and GET /v1/job-runs[/{uuid}] answer (FACTS.md, Endpoints
// and "Run statuses"). A job is PENDING while no node is chosen, ASSIGNED (its run exists,
// the container starts), RUNNING, then COMPLETED when the container exits 0 and FAILED
// otherwise; a host lost mid-run fails the run (max_retry_count 0: no second run); a job no
// node takes fails with no run; cancel passes through CANCELLING to CANCELLED.
// Fields FACTS.md leaves unconfirmed are kept to what the sources show: the job echoes its
// create fields plus uuid, status, created_at and updated_at (REF-COOK's job-like object).
import { phaseAt, type Inventory, type LaunchPlan, type Scenario, type Workload } from './shared/index.js';

export interface FakeRun {
  uuid: string;
  status: string;
  startedAtMs: number;
  logs: string;
}

export interface FakeJob {
  uuid: string;
  title: string;
  body: Record<string, unknown>;
  status: string;
  createdAt: number;
  updatedAt: number;
  plan: LaunchPlan;
  workload: Workload;
  /** The host the job was given; none when no node could take it. */
  hostId?: number;
  run?: FakeRun;
  cancelAt?: number;
}

export interface JobsContext {
  scenario: Scenario;
  inventory: Inventory;
  stopDelayMs: number;
  newUuid: () => string;
}

export const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

const set = (ctx: JobsContext, job: FakeJob, status: string, runStatus?: string): void => {
  if (job.status !== status) {
    job.status = status;
    job.updatedAt = ctx.scenario.now();
  }
  if (job.run && runStatus) job.run.status = runStatus;
  if (FINISHED.has(status)) ctx.inventory.release(job.uuid);
};

const commandOf = (job: FakeJob): string => {
  const params = (job.body.parameters as { parameters?: { env?: Record<string, string> } } | undefined)?.parameters;
  return params?.env?.SWITCHYARD_COMMAND ?? '(the image entrypoint)';
};

/** Moves a job to where it is now. */
export const advance = (ctx: JobsContext, job: FakeJob): void => {
  if (FINISHED.has(job.status)) return;
  const now = ctx.scenario.now();
  if (job.cancelAt !== undefined) {
    if (now - job.cancelAt >= ctx.stopDelayMs) set(ctx, job, 'CANCELLED', 'CANCELLED');
    else set(ctx, job, 'CANCELLING');
    return;
  }
  if (job.hostId === undefined) {
    // No node takes it: pending until the assign window (compressed here) runs out.
    set(ctx, job, now - job.createdAt >= job.workload.startDelayMs / 2 ? 'FAILED' : 'PENDING');
    return;
  }
  const p = phaseAt(job.workload, now);
  if (p.phase === 'provisioning') return set(ctx, job, 'PENDING');
  job.run ??= {
    uuid: ctx.newUuid(),
    status: 'ASSIGNED',
    startedAtMs: job.workload.acceptedAt + Math.floor(job.workload.startDelayMs / 2),
    logs: '',
  };
  if (p.phase === 'starting') return set(ctx, job, 'ASSIGNED', 'ASSIGNED');
  const runningSince = job.workload.acceptedAt + job.workload.startDelayMs;
  const limit = typeof job.body.max_timeout_run_ms === 'number' ? job.body.max_timeout_run_ms : Infinity;
  if (p.phase === 'running' && now - runningSince >= limit) {
    job.run.logs = `running ${commandOf(job)}\nstopped: max_timeout_run_ms reached\n`;
    return set(ctx, job, 'FAILED', 'FAILED');
  }
  if (p.phase === 'running') return set(ctx, job, 'RUNNING', 'RUNNING');
  if (p.phase === 'lost') {
    job.run.logs = `running ${commandOf(job)}\nnode went offline\n`;
    return set(ctx, job, 'FAILED', 'FAILED');
  }
  job.run.logs = `running ${commandOf(job)}\nhello from the fake Dispersed node\nexited with ${p.exitCode}\n`;
  set(ctx, job, p.exitCode === 0 ? 'COMPLETED' : 'FAILED', p.exitCode === 0 ? 'COMPLETED' : 'FAILED');
};

const iso = (ms: number): string => new Date(ms).toISOString();

const CREATE_FIELDS = [
  'task', 'title', 'description', 'cpu_count', 'gpu_count', 'gpu_name', 'gpu_registry_uuid', 'min_ram_gb', 'min_storage_gb',
  'min_vram_gb', 'max_node_count', 'max_retry_count', 'max_timeout_assign_ms', 'max_timeout_start_ms', 'max_timeout_run_ms',
  'allowed_region_codes',
];

/** The job object (its create fields, not its container parameters, which may hold secrets). */
export const jobView = (job: FakeJob): Record<string, unknown> => ({
  uuid: job.uuid,
  status: job.status,
  ...Object.fromEntries(CREATE_FIELDS.filter((k) => job.body[k] !== undefined).map((k) => [k, job.body[k]])),
  created_at: iso(job.createdAt),
  updated_at: iso(job.updatedAt),
});

/** A job-run list item (MON): no logs. BATCH jobs publish no ports, so no node_urls. */
export const runView = (run: FakeRun): Record<string, unknown> => ({
  uuid: run.uuid,
  status: run.status,
  started_at_ms: run.startedAtMs,
  node_urls: [],
});

export const runDetailView = (run: FakeRun): Record<string, unknown> => ({ ...runView(run), logs: run.logs });
