// Maps an AWS Batch JobDetail (DescribeJobs) to Switchyard's ProviderStatus.
// Status values: SUBMITTED | PENDING | RUNNABLE | STARTING | RUNNING | SUCCEEDED | FAILED
// (https://docs.aws.amazon.com/batch/latest/userguide/job_states.html).
// Provider faults are recognised from statusReason:
// - "Host EC2 (instance i-…) terminated." — the instance went away under the job (Spot
//   reclaim, host failure). AWS's own retry guidance and CDK's
//   Reason.SPOT_INSTANCE_RECLAIMED match it with the glob "Host EC2*".
// - "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY" / "MISCONFIGURATION:…" — the JobDetail
//   statusReason values documented for RUNNABLE jobs; a job queue's
//   jobStateTimeLimitActions cancels such jobs, which then end FAILED with that reason.
// - "Job attempt duration exceeded timeout" — SubmitJob's timeout.attemptDurationSeconds.
import type { JobDetail } from '@aws-sdk/client-batch';
import type { ProviderStatus } from '../../core/provider.js';

const exitCodeOf = (job: JobDetail): number | undefined =>
  job.container?.exitCode ?? job.attempts?.at(-1)?.container?.exitCode;

export const batchJobStatus = (job: JobDetail): ProviderStatus => {
  const reason = job.statusReason ?? '';
  const withMessage = (s: ProviderStatus): ProviderStatus => (reason ? { ...s, message: reason } : s);
  switch (job.status) {
    case 'SUBMITTED':
    case 'PENDING':
    case 'RUNNABLE':
    case 'STARTING':
      return withMessage({ state: 'pending' });
    case 'RUNNING':
      return withMessage({ state: 'running' });
    case 'SUCCEEDED':
      return withMessage({ state: 'succeeded', exitCode: exitCodeOf(job) ?? 0 });
    case 'FAILED':
      return failedStatus(job, reason);
    default:
      // A status this code does not know yet: say so rather than guess an outcome.
      return { state: 'pending', message: `unknown AWS Batch status ${String(job.status)}` };
  }
};

const failedStatus = (job: JobDetail, reason: string): ProviderStatus => {
  const exitCode = exitCodeOf(job);
  const base = { message: reason || 'FAILED', ...(exitCode === undefined ? {} : { exitCode }) };
  if (reason.startsWith('Host EC2')) return { ...base, state: 'lost', providerFault: true };
  // Cancelled while RUNNABLE: it never had an instance. A capacity refusal, not a lost machine.
  if (reason.startsWith('CAPACITY:')) return { ...base, state: 'lost', providerFault: true, noCapacity: true };
  if (reason.startsWith('MISCONFIGURATION:')) return { ...base, state: 'failed', providerFault: true };
  if (reason.includes('Job attempt duration exceeded timeout')) return { ...base, state: 'failed', timedOut: true };
  return { ...base, state: 'failed', providerFault: false };
};
