// io.net CaaS deployment -> ProviderStatus. The values are the spec's CaaSResourceStatus
// enum: "deployment requested", "running", "completed", "failed", "termination requested",
// "destroyed" (the details' `status` is a plain string; anything else reads as pending with
// a message, never as success). CaaS is a service: a deployment runs its container for a
// prepaid `duration_hours` and exposes no exit code anywhere in the API, so every ended
// state says "exit code not reported by io.net" (the job agent reports the real one).
// "completed" is read as: the deployment ended without failing. With no compute minutes
// left it ran its whole prepaid duration, i.e. the job hit its time limit (timed out);
// with minutes left, the container ended by itself (success as far as io.net tells).
// That reading of "completed" is ASSUMED: the spec gives the word, not its meaning.
import type { ProviderStatus } from '../../core/provider.js';

export const NO_EXIT_CODE = 'exit code not reported by io.net';

export interface IoDeployment {
  id: string;
  status: string;
  compute_minutes_remaining?: number;
  finished_at?: string | null;
  container_config?: { env_variables?: Record<string, unknown> | null; entrypoint?: string[] | null } | null;
}

export const mapIoStatus = (d: IoDeployment): ProviderStatus => {
  const s = d.status.toLowerCase();
  switch (s) {
    case 'deployment requested':
      return { state: 'pending', message: 'deployment requested' };
    case 'running':
      return { state: 'running' };
    case 'completed':
      if (d.compute_minutes_remaining === 0) {
        return { state: 'failed', timedOut: true, message: `deployment ran its full prepaid duration; ${NO_EXIT_CODE}` };
      }
      return { state: 'succeeded', message: `deployment completed before its duration ended; ${NO_EXIT_CODE}` };
    case 'failed':
      return { state: 'failed', message: `deployment failed; ${NO_EXIT_CODE}` };
    // Ended while Switchyard still considered it live: the network (or someone) took it away.
    case 'termination requested':
    case 'destroyed':
      return { state: 'lost', providerFault: true, message: `deployment ${s}` };
    default:
      return { state: 'pending', message: `unrecognised status ${d.status}` };
  }
};

/** Ended: nothing billing, nothing to stop. */
export const isEnded = (status: string): boolean => ['completed', 'failed', 'termination requested', 'destroyed'].includes(status.toLowerCase());
