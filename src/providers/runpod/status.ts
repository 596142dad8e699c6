// Maps a RunPod REST v2 Pod (GET /v2/pods/{id}, schema `Pod`) to Switchyard's ProviderStatus.
// PodStatus (openapi.json components.schemas.PodStatus): PROVISIONING | STARTING | RUNNING |
// EXITED ("container exited (stopped)") | ERROR ("unrecoverable error state") |
// TERMINATED ("pod has been permanently deleted").
// RunPod reports no exit code. The launch wrapper (see runpod-provider.ts) stops its own
// Pod after the command exits 0 (→ EXITED) and terminates it after a non-zero exit
// (→ TERMINATED), so the outcome of the command shows in `status` and is never read as a
// lost machine; a Pod that vanished (404) or went to ERROR is the machine's fault.
import type { ProviderStatus } from '../../core/provider.js';

export const NO_EXIT_CODE = 'exit code not reported by RunPod';

export interface RunPodPod {
  id: string;
  name?: string;
  status?: string;
  env?: Record<string, string>;
  startedAt?: string | null;
  gpu?: { id?: string; count?: number };
}

export const podStatus = (pod: RunPodPod): ProviderStatus => {
  switch (pod.status) {
    case 'PROVISIONING':
    case 'STARTING':
      return { state: 'pending', message: `pod ${pod.status.toLowerCase()}` };
    case 'RUNNING':
      return { state: 'running' };
    case 'EXITED':
      return { state: 'succeeded', message: `the command exited 0 and its wrapper stopped the pod; ${NO_EXIT_CODE}` };
    case 'TERMINATED':
      return {
        state: 'failed',
        providerFault: false,
        message: `the pod was terminated: the command exited non-zero (its wrapper terminates the pod) or the pod was cancelled; ${NO_EXIT_CODE}`,
      };
    case 'ERROR':
      return { state: 'lost', providerFault: true, message: `pod ${pod.id} is in RunPod's ERROR state; ${NO_EXIT_CODE}` };
    default:
      return { state: 'pending', message: `unknown RunPod pod status ${String(pod.status)}` };
  }
};
