// What the API does with jobs: submit, read, list, cancel. The API handler stays thin
// and calls these; the queue only carries "look at job X".
import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256 } from './canonical.js';
import { IdempotencyMismatchError, JobFinishedError, NotFoundError } from './errors.js';
import { writeEnding } from './settlement.js';
import type { Job, JobEvent, JobFilter, JobSpec, JobStatus } from './job.js';
import { isTerminal, liveAttempts } from './job.js';
import {
  ConflictError,
  IdempotencyConflictError,
  noAccounting,
  type Clock,
  type JobAccounting,
  type JobPage,
  type JobQueue,
  type IdempotencyRecord,
  type JobStore,
} from './ports.js';
import { JobChange, type JobWrite } from './transitions.js';

export interface JobServiceDeps {
  store: JobStore;
  queue: JobQueue;
  clock: Clock;
  /** Budget, balance and hold checks; none when unset. */
  accounting?: JobAccounting;
  /** Told when an enqueue fails; the reconciler will enqueue the job again later. */
  onEnqueueError?: (jobId: string, error: unknown) => void;
}

const WRITE_RETRIES = 5;

export const newJobId = (): string => `job_${randomBytes(12).toString('hex')}`;

export interface SubmitResult {
  job: Job;
  /** False when an Idempotency-Key replay returned the job created earlier. */
  created: boolean;
}

export const submitJob = async (
  deps: JobServiceDeps,
  tenantId: string,
  spec: JobSpec,
  idempotencyKey?: string,
): Promise<SubmitResult> => {
  const now = deps.clock.now().toISOString();
  const job: Job = {
    id: newJobId(),
    tenantId,
    status: 'queued',
    version: 1,
    eventSeq: 1,
    spec,
    attempts: [],
    createdAt: now,
    updatedAt: now,
  };
  const event: JobEvent = { jobId: job.id, seq: 1, at: now, type: 'status', to: 'queued', reason: 'submitted' };
  const requestHash = sha256(canonicalJson(spec));
  const accounting = deps.accounting ?? noAccounting;
  if (idempotencyKey) {
    // A replay answers from the record alone, before any budget check: the budget already counts it.
    const earlier = await deps.store.findIdempotent(tenantId, idempotencyKey);
    if (earlier) return replay(deps, earlier, requestHash);
  }
  // One write: the job, its first event, the idempotency record and the hold commit
  // together, with the budget and balance checks as the transaction's conditions.
  const hold = await accounting.planHold(job);
  try {
    await deps.store.create(job, event, idempotencyKey ? { key: idempotencyKey, requestHash } : undefined, hold);
  } catch (error) {
    if (error instanceof IdempotencyConflictError) return replay(deps, error.existing, requestHash);
    return accounting.refusal(job, error);
  }
  await enqueue(deps, job.id);
  return { job, created: true };
};

const replay = async (deps: JobServiceDeps, earlier: IdempotencyRecord, requestHash: string): Promise<SubmitResult> => {
  if (earlier.requestHash !== requestHash) throw new IdempotencyMismatchError();
  if (earlier.job) return { job: earlier.job, created: false };
  const job = await deps.store.get(earlier.jobId); // a record written before records held the job
  if (!job) throw new NotFoundError();
  return { job, created: false };
};

export const getJob = async (deps: Pick<JobServiceDeps, 'store'>, tenantId: string, jobId: string): Promise<Job> => {
  const job = await deps.store.getForTenant(tenantId, jobId);
  if (!job) throw new NotFoundError();
  return job;
};

export const listJobs = (
  deps: Pick<JobServiceDeps, 'store'>,
  tenantId: string,
  opts: { status?: JobStatus; filter?: JobFilter; limit: number; cursor?: string },
): Promise<JobPage> => deps.store.list(tenantId, opts);

export const jobEvents = async (deps: Pick<JobServiceDeps, 'store'>, tenantId: string, jobId: string): Promise<JobEvent[]> => {
  await getJob(deps, tenantId, jobId);
  return deps.store.events(jobId);
};

/**
 * Marks the job cancelled at once; a live attempt is marked `cancelling` and the
 * dispatcher (which holds provider credentials) stops it at the provider.
 */
export const cancelJob = async (deps: JobServiceDeps, tenantId: string, jobId: string): Promise<Job> => {
  for (let i = 0; i < WRITE_RETRIES; i++) {
    const job = await getJob(deps, tenantId, jobId);
    if (isTerminal(job.status)) throw new JobFinishedError(job.status);
    const now = deps.clock.now().toISOString();
    const change = new JobChange(job, now);
    // Every live attempt (two while a hedged start races), billed up to the cancel: settled in this very write.
    const live = liveAttempts(job);
    for (const a of live) change.attempt(a.id, { status: 'cancelling', endedAt: now }, 'job cancelled by the customer');
    change.status('cancelled', 'cancelled by the customer');
    let write: JobWrite;
    try {
      write = await writeEnding(deps, change);
    } catch (error) {
      if (error instanceof ConflictError) continue;
      throw error;
    }
    if (live.length > 0) await enqueue(deps, jobId);
    return write.job;
  }
  throw new ConflictError('the job kept changing; try again');
};

const enqueue = async (deps: JobServiceDeps, jobId: string): Promise<void> => {
  try {
    await deps.queue.send({ jobId });
  } catch (error) {
    // The job is stored; the reconciler re-enqueues jobs left queued, so nothing is lost.
    deps.onEnqueueError?.(jobId, error);
  }
};
