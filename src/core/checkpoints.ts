// Checkpoints: the agent tars the checkpoint folder and uploads it through a presigned PUT to
// a fresh key (<tenant>/<job>/<attempt>/<time>.tar.gz), then commits; only a commit makes it
// the job's latest (Job.checkpoint), so a half-finished upload never replaces a good one.
// The next attempt, on whatever provider, is handed the latest to restore and records it as
// its resumedFrom. A late commit from an attempt the job has moved past is refused, so a
// zombie machine cannot roll the job back to older state.
import { randomBytes } from 'node:crypto';
import type { Attempt, CheckpointRecord, Job } from './job.js';
import type { Clock, JobStore } from './ports.js';
import { ConflictError } from './ports.js';
import { JobChange } from './transitions.js';

export const checkpointPrefix = (tenantId: string, jobId: string, attemptId: string): string => `${tenantId}/${jobId}/${attemptId}/`;

export const newCheckpointKey = (tenantId: string, jobId: string, attemptId: string, now: Date): string =>
  `${checkpointPrefix(tenantId, jobId, attemptId)}${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.tar.gz`;

/** May this attempt still set the job's checkpoint? Only the job's newest attempt may. */
export const maySaveCheckpoint = (job: Job, attempt: Attempt): boolean => job.attempts[job.attempts.length - 1]?.id === attempt.id;

const WRITE_RETRIES = 8;

/**
 * Apply `patch` to the freshest job, retrying when another writer moved it. `patch` returns
 * undefined to give up (nothing to do any more). The job write carries no event: checkpoints
 * are not state changes, and a webhook per save would be noise.
 */
export const updateJob = async (
  store: JobStore,
  clock: Clock,
  jobId: string,
  patch: (job: Job, change: JobChange) => JobChange | undefined,
): Promise<Job | undefined> => {
  for (let i = 0; i < WRITE_RETRIES; i++) {
    const job = await store.get(jobId);
    if (!job) return undefined;
    const change = patch(job, new JobChange(job, clock.now().toISOString()));
    if (!change) return undefined;
    const write = change.build();
    try {
      await store.write(write);
      return write.job;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError('the job kept changing; try again');
};

export type CommitOutcome = { kind: 'committed'; record: CheckpointRecord; superseded?: string } | { kind: 'superseded' };

/** Make `record` the job's latest checkpoint, unless a newer attempt has taken over. */
export const commitCheckpoint = async (store: JobStore, clock: Clock, jobId: string, record: CheckpointRecord): Promise<CommitOutcome> => {
  let superseded: string | undefined;
  let refused = false;
  const job = await updateJob(store, clock, jobId, (current, change) => {
    const attempt = current.attempts.find((a) => a.id === record.attemptId);
    if (!attempt || !maySaveCheckpoint(current, attempt)) {
      refused = true;
      return undefined;
    }
    superseded = current.checkpoint?.key;
    return change.checkpoint(record);
  });
  if (refused || !job) return { kind: 'superseded' };
  return { kind: 'committed', record, ...(superseded && superseded !== record.key ? { superseded } : {}) };
};

/** Record on the attempt which checkpoint its agent was handed to restore (first hand-out only). */
export const recordResume = async (store: JobStore, clock: Clock, jobId: string, attemptId: string, from: CheckpointRecord): Promise<void> => {
  await updateJob(store, clock, jobId, (job, change) => {
    const attempt = job.attempts.find((a) => a.id === attemptId);
    if (!attempt || attempt.resumedFrom) return undefined;
    return change.attempt(attemptId, { resumedFrom: { savedAt: from.savedAt, sizeBytes: from.sizeBytes, attemptId: from.attemptId } });
  });
};
