// Dispersed job status -> ProviderStatus. Statuses (FACTS.md, "Run statuses and exit
// semantics", MON): PENDING (waiting for a node) -> ASSIGNED (container starting) ->
// RUNNING -> COMPLETED; side exits FAILED, CANCELLING, CANCELLED. The job's own status is
// read (dispersed.py polls GET /v1/jobs/{uuid}), its newest run for the output.
// Exit codes: none are reported. For BATCH the platform marks COMPLETED when the container
// exits 0 and FAILED otherwise (compute_examples README, entrypoint-batch.sh section), so
// COMPLETED carries exit code 0 and FAILED carries none. A FAILED job with no run never
// reached a node (assign/start timed out): the network's fault, not the workload's.
import type { ProviderStatus } from '../../core/provider.js';
import type { DispersedJob, DispersedRun } from './client.js';

export const NO_EXIT_CODE = 'exit code not reported by render';
/** Statuses after which the job holds no node. */
export const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** Statuses a job may still be billing in (the list filter for the sweep). */
export const LIVE = ['PENDING', 'ASSIGNED', 'RUNNING', 'CANCELLING'];

const TAIL_LINES = 20;

/** The last lines of a run's `logs` (container output; a string, or lines of text). */
export const tailOf = (logs: unknown): string | undefined => {
  const text = typeof logs === 'string' ? logs : Array.isArray(logs) ? logs.filter((l) => typeof l === 'string').join('\n') : '';
  const lines = text.split('\n').filter((l) => l.length > 0);
  return lines.length > 0 ? lines.slice(-TAIL_LINES).join('\n') : undefined;
};

export const mapJobStatus = (job: DispersedJob, run: DispersedRun | undefined, outputTail?: string): ProviderStatus => {
  const status = job.status ?? '';
  const tail = outputTail === undefined ? {} : { outputTail };
  switch (status) {
    case 'PENDING':
      return { state: 'pending', message: 'PENDING: waiting for a node' };
    case 'ASSIGNED':
      return { state: 'pending', message: 'ASSIGNED: a node was chosen; the container is starting' };
    case 'RUNNING':
      return { state: 'running' };
    case 'COMPLETED':
      return { state: 'succeeded', exitCode: 0, message: 'COMPLETED: Dispersed marks a BATCH job COMPLETED only when its container exits 0', ...tail };
    case 'FAILED':
      if (!run) return { state: 'lost', providerFault: true, message: 'FAILED before any node ran it (no job run)' };
      return { state: 'failed', message: `FAILED: the container exited non-zero or the node failed it; ${NO_EXIT_CODE}`, ...tail };
    case 'CANCELLING':
      // Still on its node until Dispersed confirms the stop.
      return { state: 'pending', message: 'CANCELLING: a stop was requested and is not yet confirmed' };
    case 'CANCELLED':
      return { state: 'lost', providerFault: true, message: 'CANCELLED at Dispersed' };
    default:
      return { state: 'pending', message: `unrecognised status ${status || '(none)'}` };
  }
};
