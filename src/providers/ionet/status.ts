// io.net CaaS deployment status -> ProviderState. The docs we could read give the field
// (`status`, plus started_at/finished_at/completed_percent on the VMaaS deployment object)
// but not the CaaS value list, so this accepts the values io.net's console shows
// ("deploying", "running", "completed", "failed", "termination requested", "destroyed")
// and treats anything else as pending with a message, never as success.
import type { ProviderStatus } from '../../core/provider.js';

export interface IoDeployment {
  id: string;
  status: string;
  resource_private_name?: string;
  status_reason?: string | null;
}

export const mapIoStatus = (d: IoDeployment): ProviderStatus => {
  const s = d.status.toLowerCase();
  const message = d.status_reason ?? undefined;
  if (s === 'deploying' || s === 'queued' || s === 'pending') return { state: 'pending', message };
  if (s === 'running' || s === 'active') return { state: 'running', message };
  // A CaaS container reports no exit code; "completed" means the container ended cleanly.
  if (s === 'completed') return { state: 'succeeded', message };
  if (s === 'failed') return { state: 'failed', message };
  // Ended while Switchyard still considered it live: the network took it away.
  if (s === 'destroyed' || s === 'termination requested' || s === 'terminated') {
    return { state: 'lost', providerFault: true, message: message ?? `deployment ${s}` };
  }
  return { state: 'pending', message: `unrecognised status ${d.status}` };
};
