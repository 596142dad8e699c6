// Nosana deployment + job state -> ProviderStatus.
// Deployment status values (FACTS Objects: Deployment): DRAFT, STARTING, RUNNING, STOPPING,
// STOPPED, ARCHIVED, ERROR, INSUFFICIENT_FUNDS. Job states (FACTS Objects: Job, and the
// job-by-id row: on chain 0..3): QUEUED, RUNNING, COMPLETED, STOPPED. A finished job's
// result is the node's FlowState (FACTS Objects: FlowState):
//   { status, opStates: [{ operationId, status, exitCode, logs }] } — the exit code is
//   opStates[].exitCode (FACTS job-by-id row).
// Inferred (not documented as such): a job that ends STOPPED with no exit code in its
// result and before its timeout was stopped because its node went away (lost, provider
// fault); one that ran for its whole timeout is a timeout.
import type { ProviderStatus } from '../../core/provider.js';

export interface NosanaDeployment {
  id: string;
  name: string;
  market: string;
  status: string;
  /** Minutes. */
  timeout: number;
  replicas?: number;
  strategy?: string;
  active_jobs?: number;
  created_at?: string;
}

export interface NosanaDeploymentJob {
  job: string;
  deployment?: string;
  node?: string | null;
  state: string | number;
  time_start?: number;
  time_end?: number;
  created_at?: string;
}

export interface NosanaOpState {
  operationId?: string | null;
  status?: string | null;
  exitCode?: number | null;
  logs?: Array<{ type?: string; log?: string }>;
}

export interface NosanaJobDetail {
  node?: string | null;
  state: string | number;
  jobStatus?: string | null;
  jobResult?: { status?: string; opStates?: NosanaOpState[] } | null;
  /** Unix seconds. */
  timeStart?: number;
  timeEnd?: number;
}

const ON_CHAIN = ['QUEUED', 'RUNNING', 'COMPLETED', 'STOPPED'];

export const jobStateOf = (state: string | number): string =>
  typeof state === 'number' ? (ON_CHAIN[state] ?? `STATE_${state}`) : state.toUpperCase();

const tailOf = (op: NosanaOpState | undefined): string | undefined => {
  const lines = (op?.logs ?? []).map((l) => l.log ?? '').join('').split('\n').filter(Boolean);
  return lines.length > 0 ? lines.slice(-20).join('\n') : undefined;
};

/** The outcome a finished job's FlowState reports, if it reports one. */
const resultOutcome = (detail: NosanaJobDetail): ProviderStatus | undefined => {
  const result = detail.jobResult;
  if (!result) return undefined;
  const ops = result.opStates ?? [];
  const failing = ops.find((o) => o.status === 'failed' || (typeof o.exitCode === 'number' && o.exitCode !== 0));
  if (failing) {
    return {
      state: 'failed',
      ...(typeof failing.exitCode === 'number' ? { exitCode: failing.exitCode } : {}),
      message: `operation ${failing.operationId ?? '?'} ${failing.status ?? 'failed'}`,
      outputTail: tailOf(failing),
    };
  }
  const exited = ops.filter((o) => typeof o.exitCode === 'number');
  if (exited.length > 0 && exited.length === ops.length) {
    return { state: 'succeeded', exitCode: 0, outputTail: tailOf(ops[ops.length - 1]) };
  }
  if (result.status === 'success') return { state: 'succeeded', message: 'flow success without exit codes' };
  return undefined;
};

export const mapNosanaStatus = (
  dep: NosanaDeployment,
  job: NosanaDeploymentJob | undefined,
  detail: NosanaJobDetail | undefined,
): ProviderStatus => {
  const depMsg = `deployment ${dep.status}`;
  if (!job) {
    switch (dep.status) {
      case 'DRAFT':
        // Launch starts what it creates before it returns, so a DRAFT seen here is a launch
        // whose start never landed: nothing runs, nothing can (FACTS: no stop from DRAFT).
        return { state: 'lost', providerFault: true, message: `${depMsg}: never started` };
      case 'STARTING':
      case 'RUNNING': // started, the job not listed on the market yet
        return { state: 'pending', message: depMsg };
      case 'ERROR':
      case 'INSUFFICIENT_FUNDS':
        return { state: 'failed', providerFault: true, message: `${depMsg} before a job was listed` };
      case 'STOPPING':
      case 'STOPPED':
      case 'ARCHIVED':
        return { state: 'lost', providerFault: true, message: `${depMsg} before a job was listed` };
      default:
        return { state: 'pending', message: `unrecognised deployment status ${dep.status}` };
    }
  }
  const state = jobStateOf(detail?.state ?? job.state);
  switch (state) {
    case 'QUEUED':
      if (dep.status === 'INSUFFICIENT_FUNDS' || dep.status === 'ERROR') {
        return { state: 'failed', providerFault: true, message: `${depMsg} while the job was queued` };
      }
      return { state: 'pending', queuedForCapacity: true, message: 'queued in the market, waiting for a node' };
    case 'RUNNING':
      return { state: 'running', message: job.node ? `running on node ${job.node}` : undefined };
    case 'COMPLETED': {
      const outcome = detail ? resultOutcome(detail) : undefined;
      if (outcome) return outcome;
      const js = detail?.jobStatus ?? '';
      if (/fail/i.test(js)) return { state: 'failed', message: `job status ${js}` };
      // Completed on chain, result not uploaded yet: keep polling.
      return { state: 'running', message: 'completed; waiting for the job result' };
    }
    case 'STOPPED': {
      const outcome = detail ? resultOutcome(detail) : undefined;
      if (outcome && outcome.exitCode !== undefined) return outcome;
      const start = detail?.timeStart ?? job.time_start ?? 0;
      const end = detail?.timeEnd ?? job.time_end ?? 0;
      if (start > 0 && end > 0 && end - start >= dep.timeout * 60) {
        return { state: 'failed', timedOut: true, message: `stopped at the ${dep.timeout} minute timeout` };
      }
      return { state: 'lost', providerFault: true, message: 'job stopped without an exit code (node went away)' };
    }
    default:
      return { state: 'pending', message: `unrecognised job state ${state}` };
  }
};
