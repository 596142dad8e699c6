// Vast.ai adapter. Docs followed (read 2026-11-29):
//   https://docs.vast.ai/api-reference/introduction            (base URL, Bearer auth)
//   https://docs.vast.ai/api-reference/search/search-offers     (POST /api/v0/bundles/, query operators)
//     and the generated spec api-reference/openapi/yaml/search_offers.yaml in github.com/vast-ai/docs
//   https://docs.vast.ai/api-reference/instances/create-instance (PUT /api/v0/asks/{id}/, errors
//     400 invalid_args / 404 + 410 no_such_ask / 429 {detail})
//   https://docs.vast.ai/api-reference/creating-instances-with-api (label, runtype "args", env)
//   https://docs.vast.ai/cli/reference/show-instance            (actual_status/cur_state values)
//   openapi yaml auto_get_api_v0_instances_id / auto_get_api_v0_instances (show returns
//     {instances: null} for an unknown id with HTTP 200; list returns {instances_found, instances})
//   https://docs.vast.ai/api-reference/instances/destroy-instance (DELETE /api/v0/instances/{id}/)
// Unclear in the docs, decided here: `env` is documented both as an object and as a
// Docker-flag string; we send the object form (what the create-instance guide shows).
// Vast exposes no exit code field (see status.ts). /api/v0/instances/ is deprecated for
// accounts created after 2026-06-02 in favour of /api/v1/instances/, whose shape the docs
// we read do not give; this adapter uses v0.
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
import type { HttpClient } from '../shared/http-client.js';
import { apiKeyProviderInfo } from '../shared/provider-info.js';
import { createVastClient } from './client.js';
import { requestedModelFor, vastFamily } from './gpu-names.js';
import { mapVastStatus, type VastInstance } from './status.js';

export interface VastConfig {
  apiKey: string;
  baseUrl?: string;
  name?: string;
  /** Instance labels start with this, so a sweep finds what Switchyard launched. */
  labelPrefix?: string;
  diskGb?: number;
  expectedStartSeconds?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface VastOffer {
  id: number;
  gpu_name: string;
  num_gpus: number;
  gpu_ram: number;
  dph_total: number;
  geolocation?: string | null;
}

const countryOf = (geo: string | null | undefined): string | undefined => {
  const cc = geo?.split(',').pop()?.trim();
  return cc ? cc.toUpperCase() : undefined;
};

export class VastProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  private readonly client: HttpClient;
  private readonly prefix: string;

  constructor(private readonly config: VastConfig) {
    this.name = config.name ?? 'vastai';
    this.prefix = config.labelPrefix ?? 'switchyard-';
    this.client = createVastClient(config);
  }

  info(): ProviderInfo {
    // Vast has no price list; offers() asks the live market.
    return apiKeyProviderInfo(this.name, this.kind, this.config.apiKey, 'no Vast.ai API key configured');
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    const names = [...new Set(query.gpu.models.flatMap((m) => vastFamily(m)?.names ?? []))];
    if (names.length === 0) return [];
    const body = {
      verified: { eq: true },
      rentable: { eq: true },
      gpu_name: { in: names },
      num_gpus: { eq: query.gpu.count },
      // gpu_ram is MB; decimal GB keeps 80 GB cards (≈81 500 MB) in for minVramGb 80.
      ...(query.gpu.minVramGb ? { gpu_ram: { gte: query.gpu.minVramGb * 1000 } } : {}),
      dph_total: { lte: query.maxPricePerGpuHourUsd * query.gpu.count },
      type: 'ondemand',
      order: [['dph_total', 'asc']],
      limit: 64,
    };
    const res = await this.client.call<{ offers?: VastOffer[] }>('POST', '/api/v0/bundles/', body);
    const regions = query.regions?.map((r) => r.toUpperCase());
    const out: Offer[] = [];
    for (const o of res.offers ?? []) {
      const vramGb = Math.round(o.gpu_ram / 1024);
      const model = requestedModelFor(query.gpu.models, o.gpu_name, vramGb);
      const perGpu = o.dph_total / o.num_gpus;
      const region = countryOf(o.geolocation);
      // Re-check locally: the server's filters are the provider's, the ceiling is ours.
      if (!model || o.num_gpus !== query.gpu.count || perGpu > query.maxPricePerGpuHourUsd) continue;
      if (query.gpu.minVramGb && o.gpu_ram < query.gpu.minVramGb * 1000) continue;
      if (regions && (!region || !regions.includes(region))) continue;
      out.push({
        provider: this.name,
        offerId: String(o.id),
        gpuModel: model,
        gpuCount: o.num_gpus,
        vramGb,
        pricePerGpuHourUsd: Math.round(perGpu * 10_000) / 10_000,
        ...(region ? { region } : {}),
        expectedStartSeconds: this.config.expectedStartSeconds ?? 120,
      });
    }
    return out;
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const label = `${this.prefix}${request.attemptId}`;
    // Idempotency: Vast has no client token, but the label is set atomically at create,
    // so an earlier launch of this attempt is found by it. (Two launches racing in the
    // same instant could both miss; the reconciler's sweep destroys the loser.)
    const existing = await this.findByLabel(label);
    if (existing) return { providerRef: String(existing.id) };
    const askId = Number(request.offer.offerId);
    if (!Number.isInteger(askId)) throw new ProviderError('permanent', `not a Vast offer id: ${request.offer.offerId}`);
    const body = {
      client_id: 'me',
      image: request.image,
      label,
      env: { ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId },
      disk: this.config.diskGb ?? 32,
      // "args" keeps the image entrypoint and passes the job's command to it.
      runtype: 'args',
      ...(request.command.length > 0 ? { args: request.command } : {}),
      // Fail fast rather than sit queued on a host that cannot start us now.
      cancel_unavail: true,
    };
    const res = await this.client.call<{ success?: boolean; new_contract?: number; msg?: string }>(
      'PUT',
      `/api/v0/asks/${askId}/`,
      body,
      { notFound: 'capacity' },
    );
    if (!res.success || typeof res.new_contract !== 'number') {
      throw new ProviderError('capacity', `vastai refused offer ${askId}: ${res.msg ?? 'no contract returned'}`);
    }
    return { providerRef: String(res.new_contract) };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const inst = await this.resolve(ref);
    if (!inst) throw new ProviderError('unknown-job', `vastai has no instance for attempt ${ref.attemptId}`);
    return mapVastStatus(inst);
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const id = ref.providerRef ?? (await this.findByLabel(`${this.prefix}${ref.attemptId}`))?.id;
    if (id === undefined) return; // never launched or already gone
    try {
      await this.client.call('DELETE', `/api/v0/instances/${id}/`);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return; // already destroyed
      throw err;
    }
  }

  /** Instances whose label says Switchyard launched them, for the reconciler's sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    return (await this.list())
      .filter((i) => i.label?.startsWith(this.prefix))
      .map((i) => ({ attemptId: i.label!.slice(this.prefix.length), providerRef: String(i.id) }));
  }

  private async resolve(ref: AttemptRef): Promise<VastInstance | undefined> {
    if (!ref.providerRef) return this.findByLabel(`${this.prefix}${ref.attemptId}`);
    const res = await this.client.call<{ instances?: VastInstance | null }>('GET', `/api/v0/instances/${ref.providerRef}/`);
    return res.instances ?? undefined;
  }

  private async list(): Promise<VastInstance[]> {
    const res = await this.client.call<{ instances?: VastInstance[] }>('GET', '/api/v0/instances/');
    return res.instances ?? [];
  }

  private async findByLabel(label: string): Promise<VastInstance | undefined> {
    return (await this.list()).find((i) => i.label === label);
  }
}

export const createVastProvider = (config: VastConfig): VastProvider => new VastProvider(config);
