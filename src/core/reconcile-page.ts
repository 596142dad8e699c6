// One reconcile page read in bulk before any job is looked at on its own: the live
// attempts' statuses (batched per provider, ./status-reads.ts) and their agent records
// (one batch read). A job the listing shows needs nothing this pass is left alone: no
// read of its item, no write. Only a job something may happen to is read consistently
// and moved along (reconcile.ts). A listing is eventually consistent, so a quiet verdict
// on a stale one at worst defers the job to the next pass; every action is taken on the
// job as the table has it now, under its version condition.
import type { AgentRecord } from './agent.js';
import type { Attempt, Job } from './job.js';
import { liveAttempt, liveAttempts } from './job.js';
import { hasDeadline } from './deadline.js';
import { START_DEADLINE_BOUNDS } from './start-deadline.js';
import type { StatusAnswer } from './provider.js';
import { attemptRefOf } from './launch-state.js';
import { releaseDue, releaseDueWhileWaiting } from './release.js';
import { leaseHeld, recentlyTouched } from './lease.js';
import { readStatuses, type StatusReadConfig, type StatusReadCounts } from './status-reads.js';
import type { ReconcileDeps } from './reconcile.js';

export interface PageRead {
  attemptId: string;
  /** The version of the job the read was made for: reused only while the job is still at it. */
  jobVersion: number;
  answer: StatusAnswer;
  /** The agent's record as the batch read found it (only when the deployment runs the agent). */
  agent?: { record: AgentRecord | undefined };
}

const secondsSince = (iso: string | undefined, now: Date): number =>
  iso ? (now.getTime() - Date.parse(iso)) / 1000 : Number.POSITIVE_INFINITY;

/** The attempt whose provider status the reconciler would read for this job. */
const polledAttempt = (job: Job): Attempt | undefined =>
  job.status === 'starting' || job.status === 'running' ? liveAttempt(job) : undefined;

/** Reads the page's live attempts at their providers and their agent records, keyed by job id. */
export const readPage = async (
  deps: ReconcileDeps,
  jobs: readonly Job[],
  config: StatusReadConfig,
  counts?: StatusReadCounts,
): Promise<Map<string, PageRead>> => {
  const polled = jobs.flatMap((job) => {
    const attempt = polledAttempt(job);
    return attempt && !job.attempts.some((a) => a.status === 'cancelling') ? [{ job, attempt }] : [];
  });
  const jobOf = new Map(polled.map(({ job, attempt }) => [attempt.id, job]));
  const [answers, records] = await Promise.all([
    readStatuses(deps.providers, polled.map((p) => p.attempt), config, counts, (attempt) => attemptRefOf(deps.launchStates, jobOf.get(attempt.id)!, attempt, deps.log)),
    readAgentRecords(deps, polled),
  ]);
  const reads = new Map<string, PageRead>();
  for (const { job, attempt } of polled) {
    const answer = answers.get(attempt.id);
    if (!answer) continue; // provider not configured: the job's own look fails it over
    reads.set(job.id, { attemptId: attempt.id, jobVersion: job.version, answer, ...(records ? { agent: { record: records.get(attempt.id) } } : {}) });
  }
  return reads;
};

const readAgentRecords = async (deps: ReconcileDeps, polled: { job: Job; attempt: Attempt }[]): Promise<Map<string, AgentRecord> | undefined> => {
  const store = deps.agent?.store;
  if (!store?.getMany || polled.length === 0) return undefined;
  try {
    return await store.getMany(polled.map(({ job, attempt }) => ({ jobId: job.id, attemptId: attempt.id })));
  } catch (error) {
    // Without the batch, each job that is looked at reads its own record, as before.
    deps.log?.('agent records batch read failed', { error: String(error) });
    return undefined;
  }
};

/**
 * Whether the listed job needs nothing this pass, judged from the listing and the page's
 * reads: it waits (queued under a lease or recently touched), or it runs (or is starting
 * within its deadline) and the provider and the agent say nothing new. Anything else, or
 * any doubt, is not quiet.
 */
export const quietOnListing = (deps: ReconcileDeps, job: Job, read: PageRead | undefined): boolean => {
  const now = deps.clock.now();
  if (job.attempts.some((a) => a.status === 'cancelling')) return false;
  if (job.status === 'queued' || job.status === 'placing') {
    if (releaseDueWhileWaiting(job, now)) return false;
    return leaseHeld(deps.config, job, now) || recentlyTouched(deps.config, job, now, deps.reconcile.requeueAfterSeconds);
  }
  if (job.status !== 'starting' && job.status !== 'running') return false;
  if (job.attempts.some((a) => releaseDue(a, now))) return false;
  if (liveAttempts(job).length > 1) return false; // a hedged start races: ./hedge.ts decides every pass
  const attempt = liveAttempt(job);
  if (!attempt || !read || read.attemptId !== attempt.id || 'error' in read.answer) return false;
  if (attempt.startedAt && secondsSince(attempt.startedAt, now) > job.spec.maxDurationSeconds) return false;
  if (deps.agent && !read.agent) return false; // the agent's view is unknown: look properly
  const record = read.agent?.record;
  if (record?.exit) return false;
  if (record?.lastHeartbeatAt && secondsSince(record.lastHeartbeatAt, now) > (deps.agent?.heartbeatGraceSeconds ?? Number.POSITIVE_INFINITY)) return false;
  const state = read.answer.status.state;
  if (job.status === 'running' && attempt.status === 'running') return state === 'running';
  // Starting: still pending at the provider, no heartbeat yet (a heartbeat means running), and
  // younger than the shortest start deadline any provider can have learned (the real one is
  // per provider, read when the job is examined: ./pending-start.ts). A job with a deadline or
  // a hedge may move or hedge sooner than that, so it is always examined while it starts.
  if (hasDeadline(job.spec) || job.spec.hedge) return false;
  const startLimit = Math.min(START_DEADLINE_BOUNDS.min, deps.reconcile.startDeadlineSeconds);
  return state === 'pending' && !record?.firstHeartbeatAt && secondsSince(attempt.createdAt, now) <= startLimit;
};
