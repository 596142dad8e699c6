// Deterministic AWS Batch job names from Switchyard attempt ids. SubmitJob has no client
// token, so the job name is what makes a retried launch find the first one.
// jobName rules (SubmitJob API reference): up to 128 characters, first alphanumeric,
// then letters, numbers, hyphens and underscores.
import { createHash } from 'node:crypto';

export const JOB_NAME_PREFIX = 'sy-';
/** Tag carrying the exact attempt id, since names are matched case-insensitively by ListJobs. */
export const ATTEMPT_TAG = 'switchyard:attempt-id';
export const JOB_TAG = 'switchyard:job-id';

const SAFE = /^[A-Za-z0-9_-]{1,120}$/;

export const jobNameFor = (attemptId: string): string =>
  SAFE.test(attemptId)
    ? `${JOB_NAME_PREFIX}${attemptId}`
    : `${JOB_NAME_PREFIX}h-${createHash('sha256').update(attemptId).digest('hex').slice(0, 40)}`;
