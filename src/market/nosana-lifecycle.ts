// How a fake Nosana deployment moves, evaluated lazily on every read (the fake's clock is
// the scenario's). SIMPLE strategy, one replica:
//   start -> STARTING; after listDelayMs the job is listed on the market (job QUEUED,
//   deployment RUNNING); a free node of the market takes it (no free node: it waits QUEUED,
//   which is how a full market looks); provisioning/starting -> job QUEUED, running ->
//   RUNNING, exited -> COMPLETED with the node's FlowState result (exit code per op) and the
//   deployment STOPPED; lost -> job STOPPED with no result, deployment STOPPED; hang -> the
//   job stays QUEUED. stop -> STOPPING, the job STOPPED, then STOPPED after stopDelayMs.
// Job state words: deployment-manager JobState (QUEUED|RUNNING|COMPLETED|STOPPED); on chain
// (job detail) the same as numbers 0..3.
import { phaseAt, type Inventory, type LaunchPlan, type Scenario, type Workload } from './shared/index.js';
import type { FakeMarket } from './nosana-markets.js';

export type JobState = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'STOPPED';

export interface FakeJob {
  id: string;
  tx: string;
  listedAt: number;
  nodeHost?: number;
  nodeAddress?: string;
  workload?: Workload;
  state: JobState;
  startedAt?: number;
  endedAt?: number;
  exitCode?: number;
}

export interface FakeDeployment {
  id: string;
  name: string;
  market: string;
  status: string;
  timeout: number;
  replicas: number;
  strategy: string;
  jobDefinition: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  plan: LaunchPlan;
  startedAt?: number;
  stopRequestedAt?: number;
  jobs: FakeJob[];
}

export interface LifecycleContext {
  scenario: Scenario;
  inventory: Inventory;
  markets: Map<string, FakeMarket>;
  listDelayMs: number;
  stopDelayMs: number;
  newId(): string;
}

const finish = (ctx: LifecycleContext, d: FakeDeployment, job: FakeJob, state: JobState, at: number): void => {
  job.state = state;
  job.endedAt = at;
  ctx.inventory.release(job.id);
  d.status = 'STOPPED';
  d.updatedAt = at;
};

export const advance = (ctx: LifecycleContext, d: FakeDeployment): void => {
  const now = ctx.scenario.now();
  if (d.status === 'STOPPING' && now - (d.stopRequestedAt ?? now) >= ctx.stopDelayMs) {
    d.status = 'STOPPED';
    d.updatedAt = now;
  }
  if (d.status === 'STARTING' && now - (d.startedAt ?? now) >= ctx.listDelayMs) {
    const market = ctx.markets.get(d.market);
    d.updatedAt = now;
    if (!market) {
      d.status = 'ERROR'; // the manager could not list a job on that market
      return;
    }
    d.status = 'RUNNING';
    d.jobs.push({ id: ctx.newId(), tx: ctx.newId() + ctx.newId(), listedAt: now, state: 'QUEUED' });
  }
  const job = d.jobs[d.jobs.length - 1];
  if (!job || d.status !== 'RUNNING' || (job.state !== 'QUEUED' && job.state !== 'RUNNING')) return;
  if (!job.workload) {
    const market = ctx.markets.get(d.market)!;
    const free = ctx.inventory.free((h) => h.model === market.name)[0];
    if (!free) return; // market full: the job waits in its queue
    ctx.inventory.rent(free.id, job.id);
    job.nodeHost = free.id;
    job.nodeAddress = ctx.newId();
    job.workload = { acceptedAt: now, plan: d.plan, startDelayMs: ctx.scenario.startDelayMs, runMs: ctx.scenario.runMs };
  }
  const w = job.workload;
  const p = phaseAt(w, now);
  const runningSince = w.acceptedAt + w.startDelayMs;
  if (p.phase === 'provisioning' || p.phase === 'starting') return;
  job.startedAt = runningSince;
  if (p.phase === 'running') {
    job.state = 'RUNNING';
  } else if (p.phase === 'exited') {
    job.exitCode = p.exitCode;
    finish(ctx, d, job, 'COMPLETED', runningSince + w.runMs);
  } else {
    finish(ctx, d, job, 'STOPPED', runningSince + (w.plan.kind === 'lost' ? w.plan.afterMs : 0));
  }
};

/** stop: RUNNING|ERROR|INSUFFICIENT_FUNDS only, as the deployment manager allows. */
export const requestStop = (ctx: LifecycleContext, d: FakeDeployment): boolean => {
  if (!['RUNNING', 'ERROR', 'INSUFFICIENT_FUNDS'].includes(d.status)) return false;
  const now = ctx.scenario.now();
  const job = d.jobs[d.jobs.length - 1];
  if (job && (job.state === 'QUEUED' || job.state === 'RUNNING')) {
    job.state = 'STOPPED';
    job.endedAt = now;
    ctx.inventory.release(job.id);
  }
  d.status = 'STOPPING';
  d.stopRequestedAt = now;
  d.updatedAt = now;
  return true;
};

const iso = (ms: number): string => new Date(ms).toISOString();
const secs = (ms: number | undefined): number => (ms === undefined ? 0 : Math.floor(ms / 1000));

export const deploymentView = (d: FakeDeployment, owner: string) => ({
  id: d.id,
  name: d.name,
  vault: owner,
  market: d.market,
  owner,
  status: d.status,
  replicas: d.replicas,
  timeout: d.timeout,
  strategy: d.strategy,
  endpoints: [],
  confidential: false,
  active_revision: 1,
  active_jobs: d.jobs.filter((j) => j.state === 'RUNNING').length,
  created_at: iso(d.createdAt),
  updated_at: iso(d.updatedAt),
});

export const jobListView = (d: FakeDeployment, j: FakeJob) => ({
  job: j.id,
  market: d.market,
  node: j.nodeAddress ?? null,
  deployment: d.id,
  revision: 1,
  tx: j.tx,
  state: j.state,
  time_start: secs(j.startedAt),
  created_at: iso(j.listedAt),
  updated_at: iso(j.endedAt ?? j.startedAt ?? j.listedAt),
});

const UNKNOWN_NODE = '11111111111111111111111111111111';
const ON_CHAIN: Record<JobState, number> = { QUEUED: 0, RUNNING: 1, COMPLETED: 2, STOPPED: 3 };

/** GET …/jobs/{job}: on-chain state as a number, and the node's FlowState once finished. */
export const jobDetailView = (d: FakeDeployment, j: FakeJob) => {
  const ops = (d.jobDefinition.ops as Array<{ id?: string }> | undefined) ?? [];
  const code = j.exitCode;
  const result =
    j.state === 'COMPLETED' && code !== undefined
      ? {
          status: code === 0 ? 'success' : 'failed',
          startTime: secs(j.startedAt),
          endTime: j.endedAt === undefined ? null : secs(j.endedAt),
          opStates: ops.map((op) => ({
            providerId: 'container',
            operationId: op.id ?? '',
            group: op.id ?? '',
            status: code === 0 ? 'success' : 'failed',
            startTime: secs(j.startedAt),
            endTime: secs(j.endedAt),
            exitCode: code,
            logs: [{ type: code === 0 ? 'stdout' : 'stderr', log: code === 0 ? 'done\n' : `exit status ${code}\n` }],
            diagnostics: { reason: code === 0 ? 'completed' : 'non-zero exit' },
          })),
        }
      : null;
  return {
    confidential: false,
    revision: 1,
    market: d.market,
    // FACTS job-by-id row: the all-ones address when no node is known; jobStatus is always null.
    node: j.nodeAddress ?? UNKNOWN_NODE,
    state: ON_CHAIN[j.state],
    jobStatus: null,
    jobDefinition: d.jobDefinition,
    jobResult: result,
    timeStart: secs(j.startedAt),
    timeEnd: secs(j.endedAt),
    listedAt: secs(j.listedAt),
  };
};
