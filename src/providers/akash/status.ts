// Akash deployment/lease state -> ProviderState, before the exit-file check.
// Deployment states are "active" | "closed"; lease states "active" | "closed" |
// "insufficient_funds" (chain v1beta). The lease `status` (from the provider, nullable)
// carries per-service replica counts.
import type { ProviderStatus } from '../../core/provider.js';
import { SERVICE } from './sdl.js';

export interface AkashLease {
  id: { dseq: string; gseq: number; oseq: number; provider: string };
  state: string;
  price: { denom: string; amount: string };
  reason?: string;
  status?: { services?: Record<string, { ready_replicas?: number; available_replicas?: number }> } | null;
}

export interface AkashDeployment {
  deployment: { id: { owner: string; dseq: string }; state: string };
  leases: AkashLease[];
}

export type AkashPhase = { status: ProviderStatus; lease?: AkashLease };

export const phaseOf = (d: AkashDeployment): AkashPhase => {
  const lease = d.leases.find((l) => l.state === 'active') ?? d.leases[0];
  if (d.deployment.state !== 'active') {
    // Closed: by Switchyard's cancel (then only the release check asks, and any terminal
    // state confirms it), or by the chain (escrow ran dry) or the provider.
    return { status: { state: 'lost', providerFault: true, message: `deployment ${d.deployment.state}` } };
  }
  if (!lease) return { status: { state: 'pending', message: 'waiting for a lease' } };
  if (lease.state !== 'active') {
    return {
      status: { state: 'lost', providerFault: true, message: `lease ${lease.state}${lease.reason ? `: ${lease.reason}` : ''}` },
      lease,
    };
  }
  const svc = lease.status?.services?.[SERVICE];
  if (!svc || (svc.ready_replicas ?? 0) < 1) return { status: { state: 'pending', message: 'container starting' }, lease };
  return { status: { state: 'running' }, lease };
};
