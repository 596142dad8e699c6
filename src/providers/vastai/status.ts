// Vast.ai instance status -> ProviderStatus. openapi.yaml types `actual_status` as
// string|null ("Current status of the instance container") without a value list; the
// words below are the ones docs.vast.ai/cli/reference/show-instance lists: null
// (provisioning), loading, running, stopped, frozen, exited, rebooting, unknown, offline;
// `cur_state` ("Current state of the machine contract") becomes "unloaded" when the host
// released the contract.
import type { ProviderStatus } from '../../core/provider.js';

export interface VastInstance {
  id: number;
  label?: string | null;
  machine_id?: number;
  actual_status?: string | null;
  intended_status?: string | null;
  cur_state?: string | null;
  status_msg?: string | null;
}

/**
 * Vast reports no exit code field (openapi.yaml Instance has only actual_status and
 * status_msg). With runtype "args" the container's main process is the job, and the Docker
 * status line Vast surfaces in status_msg ("Exited (1) …") is the only place the code can
 * appear, so it is parsed from there when present (ASSUMED: the spec gives no format).
 */
const exitCodeOf = (msg: string | null | undefined): number | undefined => {
  const m = /exited \((\d+)\)/i.exec(msg ?? '');
  return m ? Number(m[1]) : undefined;
};

export const mapVastStatus = (inst: VastInstance): ProviderStatus => {
  const message = inst.status_msg ?? undefined;
  if (inst.cur_state === 'unloaded') return { state: 'lost', providerFault: true, message: message ?? 'contract unloaded by host' };
  switch (inst.actual_status ?? null) {
    case null:
    case 'loading':
    case 'created':
    case 'scheduling':
      return { state: 'pending', message };
    case 'running':
    case 'rebooting':
    case 'frozen':
      return { state: 'running', message };
    // No heartbeat for a while; Vast turns this into "offline" if the host is really
    // gone, so a blip does not fail the job over.
    case 'unknown':
      return { state: 'running', message: message ?? 'no recent heartbeat from host' };
    case 'exited': {
      const exitCode = exitCodeOf(inst.status_msg);
      if (exitCode === undefined) {
        return { state: 'failed', message: `container exited; exit code not reported by Vast.ai${message ? ` (${message})` : ''}` };
      }
      return { state: exitCode === 0 ? 'succeeded' : 'failed', exitCode, message };
    }
    // Switchyard never stops instances (it destroys them), so a stop came from the host.
    case 'stopped':
    case 'offline':
      return { state: 'lost', providerFault: true, message: message ?? `instance ${inst.actual_status}` };
    default:
      return { state: 'pending', message: `unrecognised status ${String(inst.actual_status)}` };
  }
};
