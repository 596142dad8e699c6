// Maps a GCP Batch Job (projects.locations.jobs.get) to Switchyard's ProviderStatus.
// JobStatus.State: QUEUED | SCHEDULED | RUNNING | SUCCEEDED | FAILED | DELETION_IN_PROGRESS
// (https://cloud.google.com/batch/docs/reference/rest/v1/projects.locations.jobs#State).
// Exit codes come from status.statusEvents[].taskExecution.exitCode, defined only for
// task-level events where a task failed (StatusEvent reference); 50000 means "failed for
// a reason with no code of its own". Batch reserves codes for infrastructure failures
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
    case 'DELETION_IN_PROGRESS':
      return { state: 'failed', providerFault: false, message: message ?? 'the job is being deleted' };
    default:
      return { state: 'pending', message: `unknown GCP Batch state ${String(job.status?.state)}` };
  }
};
