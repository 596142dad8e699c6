// Maps a GCP Batch Job (projects.locations.jobs.get) to Switchyard's ProviderStatus.
// JobStatus.state (batch-v1.json schemas.JobStatus): QUEUED | SCHEDULED | RUNNING |
// SUCCEEDED | FAILED | DELETION_IN_PROGRESS | CANCELLATION_IN_PROGRESS | CANCELLED
// (the last two new since the 2024 document). While a job is being cancelled or deleted
// "the resources used by the Job are still being cleaned up", so those read as still
// running: the reconciler must not count the machine gone before CANCELLED.
// Exit codes come from status.statusEvents[].taskExecution.exitCode, "only defined for
// task-level status events where the task fails" (schemas.StatusEvent); TaskExecution
// .exitCode: 0 on success, 50000 for a failure with no code of its own. Batch reserves codes for infrastructure failures
// (https://cloud.google.com/batch/docs/troubleshooting#reserved-exit-codes): 50001 Spot VM
// preempted, 50002 VM stopped reporting, 50003 VM rebooted, 50006 VM recreated — the
// machine was lost, so: lost, provider fault; 50005 the task exceeded maxRunDuration.
// We could not read that table's full text from the stored docs; these four codes are
// the ones Batch's own samples and users retry on.
import type { ProviderStatus } from '../../core/provider.js';

export interface GcpStatusEvent {
  type?: string;
  description?: string;
  eventTime?: string;
  taskExecution?: { exitCode?: number };
  taskState?: string;
}

export interface GcpJob {
  name?: string;
  uid?: string;
  labels?: Record<string, string>;
  taskGroups?: Array<{ taskSpec?: { environment?: { variables?: Record<string, string> } } }>;
  status?: { state?: string; statusEvents?: GcpStatusEvent[] };
}

/** States in which the job may still hold VMs that bill. */
export const LIVE_STATES = new Set(['QUEUED', 'SCHEDULED', 'RUNNING']);

const MACHINE_LOST = new Set([50001, 50002, 50003, 50006]);
const MAX_RUN_DURATION_EXCEEDED = 50005;

export const gcpJobStatus = (job: GcpJob): ProviderStatus => {
  const events = job.status?.statusEvents ?? [];
  const message = events.at(-1)?.description;
  const withMessage = (s: ProviderStatus): ProviderStatus => (message ? { ...s, message } : s);
  switch (job.status?.state) {
    case 'QUEUED':
    case 'SCHEDULED':
      return withMessage({ state: 'pending' });
    case 'RUNNING':
      return withMessage({ state: 'running' });
    case 'SUCCEEDED':
      return withMessage({ state: 'succeeded', exitCode: 0 });
    case 'FAILED': {
      const exitCode = [...events].reverse().find((e) => e.taskExecution?.exitCode !== undefined)?.taskExecution?.exitCode;
      // No task ever ran: the job failed while allocating (capacity, quota, stockout).
      if (exitCode === undefined) return withMessage({ state: 'lost', providerFault: true });
      if (MACHINE_LOST.has(exitCode)) return withMessage({ state: 'lost', providerFault: true, exitCode });
      if (exitCode === MAX_RUN_DURATION_EXCEEDED) return withMessage({ state: 'failed', timedOut: true, exitCode });
      return withMessage({ state: 'failed', providerFault: false, exitCode });
    }
    case 'CANCELLATION_IN_PROGRESS':
    case 'DELETION_IN_PROGRESS':
      return { state: 'running', message: message ?? `the job is ${job.status?.state === 'CANCELLATION_IN_PROGRESS' ? 'being cancelled' : 'being deleted'}; its VMs are still being cleaned up` };
    case 'CANCELLED':
      return withMessage({ state: 'failed', providerFault: false, message: message ?? 'the job was cancelled; its VMs were released' });
    default:
      return { state: 'pending', message: `unknown GCP Batch state ${String(job.status?.state)}` };
  }
};
