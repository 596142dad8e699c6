// io.net adapter over the IO Cloud CaaS (Containers-as-a-Service) API. Follows the full
// published OpenAPI 3.1 file, "Core IO DB API" (ionet-official/docs
// openapi/full/IO_Explorer__IO_CLouds.json, copy in ../shared/provider-specs/ionet; it is
// authoritative over the per-operation docs exports). Operations used, all under
// /enterprise/v1/io-cloud/caas:
//   GET    /available-replicas?hardware_id&hardware_qty  -> {data: [{id, iso2, name, available_replicas}]}
//          (ReplicasPerLocation: the location is `id`, not `location_id`)
//   GET    /price?location_ids=[id]&hardware_id&duration_hours&gpus_per_container&replica_count
//          -> {data: {total_cost_usdc, …}} (GetCaasPriceResponse); USDC is taken 1:1 as USD
//   POST   /deploy   CaaSDeployClusterRequest, additionalProperties false at every level:
//          {resource_private_name, duration_hours, gpus_per_container (1..8), hardware_id,
//           location_ids: [one], container_config: {replica_count, env_variables, traffic_port,
//           entrypoint?}, registry_config: {image_url, registry_username?, registry_secret?}}
//          -> SuccessResponse {status, deployment_id}. A private image's login goes in
//          RegistryConfig's registry_username / registry_secret (string | null); the schema
//          has no registry-host field, so the login is for image_url's own registry.
//   GET    /deployments?page&page_size (≤ 100) -> {data: {deployments: [{id, status, name, …}], total, statuses}}
//          (DeploymentData: the name is `name`, not `resource_private_name`)
//   GET    /deployment/{deployment_id} (uuid) -> {data: DeploymentDetails}; 404 when unknown
//   DELETE /deployment/{deployment_id}        -> SuccessResponse; 404 when unknown
// Command: `entrypoint` is "Array of strings in exec form that overrides the container's
// default entrypoint" (minItems 1), so the job's whole command, e.g. the agent's
// ['sh', '-c', script, 'switchyard-agent', …cmd], is sent there unchanged; `args` (also
// minItems 1) is left out rather than sent empty. An empty command keeps the image's own.
// Ownership: the name `switchyard-<attemptId>` and env SWITCHYARD_ATTEMPT_ID, both set at
// deploy. The details carry no name, so status() checks the env the details return
// (container_config.env_variables); a deployment carrying another attempt's id is lost.
// No exit code exists in the API (status.ts): ended states say "exit code not reported by io.net".
// ASSUMED where the spec is silent: the refusal wording for no capacity and a reused name
// (client.ts), the meaning of "completed" (status.ts), the hardware catalog (configuration:
// the enterprise CaaS API lists no hardware, only /v1/io-cloud/caas/hardware on another auth).
import {
  ProviderError,
  type AttemptRef,
  type LaunchRequest,
  type LaunchResult,
  type Offer,
  type OfferQuery,
  type Provider,
  type ProviderInfo,
  type ProviderStatus,
} from '../../core/provider.js';
import { redactingLogin } from '../shared/registry-login.js';
import type { HttpClient } from '../shared/http-client.js';
import { apiKeyProviderInfo } from '../shared/provider-info.js';
import { createIoClient } from './client.js';
import { isEnded, mapIoStatus, type IoDeployment } from './status.js';

export interface IoHardware {
  hardwareId: number;
  /** Switchyard model name this hardware satisfies, e.g. "H100". */
  gpuModel: string;
  vramGb: number;
}

export interface IoNetConfig {
  apiKey: string;
  baseUrl?: string;
  name?: string;
  hardware: IoHardware[];
  namePrefix?: string;
  /** GPUs per container the account may deploy; the spec allows 1..8 (the older docs page said "must be 8"). */
  allowedGpusPerContainer?: number[];
  trafficPort?: number;
  expectedStartSeconds?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface DeploymentRow {
  id: string;
  status: string;
  name: string;
}

const BASE = '/enterprise/v1/io-cloud/caas';
const PAGE_SIZE = 100;
const MAX_PAGES = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALL_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8];

export class IoNetProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  readonly billing = { startsAt: 'launch', unitSeconds: 3600 } as const; // docs/providers/ionet.md: prepaid in whole hours (duration_hours); refunds unconfirmed
  private readonly client: HttpClient;
  private readonly prefix: string;

  constructor(private readonly config: IoNetConfig) {
    this.name = config.name ?? 'ionet';
    this.prefix = config.namePrefix ?? 'switchyard-';
    this.client = createIoClient(config);
  }

  info(): ProviderInfo {
    return apiKeyProviderInfo(this.name, this.kind, this.config.apiKey, 'no io.net API key configured');
  }

  /** A live market: devices are hired and freed all the time, in any of its locations. */
  mayOfferLater(): boolean {
    return true;
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    if (!(this.config.allowedGpusPerContainer ?? ALL_COUNTS).includes(query.gpu.count)) return [];
    const regions = query.regions?.map((r) => r.toUpperCase());
    const out: Offer[] = [];
    for (const hw of this.config.hardware) {
      if (!query.gpu.models.includes(hw.gpuModel) || hw.vramGb < (query.gpu.minVramGb ?? 0)) continue;
      const avail = await this.client.call<{ data?: Array<{ id: number; iso2?: string; available_replicas: number }> }>(
        'GET',
        `${BASE}/available-replicas`,
        undefined,
        { query: { hardware_id: String(hw.hardwareId), hardware_qty: String(query.gpu.count) } },
      );
      for (const loc of avail.data ?? []) {
        if (loc.available_replicas < 1) continue;
        if (regions && (!loc.iso2 || !regions.includes(loc.iso2.toUpperCase()))) continue;
        const perGpuHour = await this.pricePerGpuHour(hw.hardwareId, loc.id, query.gpu.count);
        if (perGpuHour === undefined || perGpuHour > query.maxPricePerGpuHourUsd) continue;
        out.push({
          provider: this.name,
          offerId: `${hw.hardwareId}:${loc.id}`,
          gpuModel: hw.gpuModel,
          gpuCount: query.gpu.count,
          vramGb: hw.vramGb,
          pricePerGpuHourUsd: Math.round(perGpuHour * 10_000) / 10_000,
          ...(loc.iso2 ? { region: loc.iso2.toUpperCase() } : {}),
          expectedStartSeconds: this.config.expectedStartSeconds ?? 180,
        });
      }
    }
    return out.sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    // No error out of a launch that carries a registry login may name its password.
    return redactingLogin(request.imageCredentials, () => this.launchOnce(request));
  }

  private async launchOnce(request: LaunchRequest): Promise<LaunchResult> {
    const name = this.nameOf(request.attemptId);
    const earlier = await this.findByName(name);
    if (earlier) return { providerRef: earlier.id };
    const [hardwareId, locationId] = request.offer.offerId.split(':').map(Number);
    if (!Number.isInteger(hardwareId) || !Number.isInteger(locationId)) {
      throw new ProviderError('permanent', `not an io.net offer id: ${request.offer.offerId}`);
    }
    const body = {
      resource_private_name: name,
      // Prepaid in whole hours; the deployment ends itself at the job's maximum duration.
      duration_hours: Math.max(1, Math.ceil(request.maxDurationSeconds / 3600)),
      gpus_per_container: request.offer.gpuCount,
      hardware_id: hardwareId,
      location_ids: [locationId],
      container_config: {
        replica_count: 1,
        env_variables: { ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId },
        traffic_port: this.config.trafficPort ?? 8080,
        ...(request.command.length > 0 ? { entrypoint: request.command } : {}),
      },
      registry_config: {
        image_url: request.image,
        // RegistryConfig.registry_username / registry_secret (POST /deploy): the only place the login goes.
        ...(request.imageCredentials ? { registry_username: request.imageCredentials.username, registry_secret: request.imageCredentials.password } : {}),
      },
    };
    try {
      const res = await this.client.call<{ deployment_id?: string }>('POST', `${BASE}/deploy`, body, { notFound: 'permanent' });
      if (!res.deployment_id) throw new ProviderError('permanent', 'ionet deploy returned no deployment_id');
      return { providerRef: res.deployment_id };
    } catch (err) {
      // The name is unique server-side: a conflict means an earlier try of this launch landed.
      if (err instanceof ProviderError && err.message.startsWith('conflict:')) {
        const found = await this.findByName(name);
        if (found) return { providerRef: found.id };
      }
      throw err;
    }
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const d = await this.details(ref);
    if (!d) throw new ProviderError('unknown-job', `ionet has no deployment for attempt ${ref.attemptId}`);
    const owner = d.container_config?.env_variables?.SWITCHYARD_ATTEMPT_ID;
    if (owner !== ref.attemptId) {
      return {
        state: 'lost',
        providerFault: true,
        message: `ionet deployment ${d.id} belongs to ${owner === undefined ? 'no Switchyard attempt' : `attempt ${String(owner)}`}, not this one`,
      };
    }
    return mapIoStatus(d);
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const d = await this.details(ref);
    // Never deployed, already gone, or not ours: nothing of ours to stop.
    if (!d || d.container_config?.env_variables?.SWITCHYARD_ATTEMPT_ID !== ref.attemptId) return;
    if (isEnded(d.status)) return;
    try {
      await this.client.call('DELETE', `${BASE}/deployment/${d.id}`);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return;
      throw err;
    }
  }

  /** Deployments named by Switchyard that have not ended (ended ones cost nothing). */
  async listOwned(): Promise<AttemptRef[]> {
    return (await this.list())
      .filter((d) => d.name.startsWith(this.prefix) && !isEnded(d.status))
      .map((d) => ({ attemptId: d.name.slice(this.prefix.length), providerRef: d.id }));
  }

  private nameOf(attemptId: string): string {
    return `${this.prefix}${attemptId}`;
  }

  private async pricePerGpuHour(hardwareId: number, locationId: number, gpus: number): Promise<number | undefined> {
    const query = {
      location_ids: JSON.stringify([locationId]),
      hardware_id: String(hardwareId),
      duration_hours: '1',
      gpus_per_container: String(gpus),
      replica_count: '1',
    };
    try {
      const price = await this.client.call<{ data?: { total_cost_usdc?: number } }>('GET', `${BASE}/price`, undefined, { query });
      const total = price.data?.total_cost_usdc;
      return typeof total === 'number' ? total / gpus : undefined;
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'capacity') return undefined; // taken since available-replicas
      throw err;
    }
  }

  /** The deployment's details, or undefined when io.net has none (404, or a ref that is no deployment id). */
  private async details(ref: AttemptRef): Promise<IoDeployment | undefined> {
    const id = ref.providerRef ?? (await this.findByName(this.nameOf(ref.attemptId)))?.id;
    if (!id || !UUID.test(id)) return undefined;
    try {
      return (await this.client.call<{ data: IoDeployment }>('GET', `${BASE}/deployment/${id}`)).data;
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return undefined;
      throw err;
    }
  }

  private async list(): Promise<DeploymentRow[]> {
    const out: DeploymentRow[] = [];
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const res = await this.client.call<{ data?: { deployments?: DeploymentRow[]; total?: number } }>('GET', `${BASE}/deployments`, undefined, {
        query: { page: String(page), page_size: String(PAGE_SIZE) },
      });
      const rows = res.data?.deployments ?? [];
      out.push(...rows);
      if (rows.length < PAGE_SIZE || out.length >= (res.data?.total ?? 0)) break;
    }
    return out;
  }

  private async findByName(name: string): Promise<DeploymentRow | undefined> {
    // Newest first would be ideal; the spec names no order, so the whole list is read.
    const rows = await this.list();
    return rows.find((d) => d.name === name && !isEnded(d.status)) ?? rows.find((d) => d.name === name);
  }
}

export const createIoNetProvider = (config: IoNetConfig): IoNetProvider => new IoNetProvider(config);
