// Vast.ai adapter. Follows the published OpenAPI 3.1 file (vast-ai/docs
// api-reference/openapi.yaml, copy in ../shared/provider-specs/vastai; it wins over the
// older per-endpoint files). Operations used:
//   POST   /api/v0/bundles/        searchOffers: filter objects {eq, in, lte, gte, …}; `type`
//          is the schema's enum `ondemand | bid | reserved` — "ondemand" is sent. (Issue 9
//          said `on-demand`: that spelling appears only in the operation's *example*, which
//          contradicts its own enum; the schema is followed.) `order` is typed as an array
//          of [field, direction] pairs with minItems 2 / maxItems 2, so exactly two sort keys
//          are sent. Each offer's `reliability` and `machine_id` go into the Offer.
//   PUT    /api/v0/asks/{id}/      createInstance: image, label, disk, runtype "args", args,
//          env (a Docker-flag STRING per the schema, see env-flags.ts), cancel_unavail.
//          image_login (a private image's registry login, image-login.ts).
//          200 {success, new_contract}; 404/410 offer gone -> capacity; 403 "Offer … is not
//          your own" -> capacity (a refused offer; try the next), see client.ts; 401 -> auth.
//   GET    /api/v1/instances       showInstances, paged, with select_filters on id / label (statusMany: id "in")
//          (instances.ts) — status, ownership, idempotent launch and listOwned all read it.
//          The undocumented v0 list is not used, nor is GET /api/v0/instances/{id} (its
//          answer for an unknown id is not documented; the filtered list's is: empty).
//   DELETE /api/v0/instances/{id}/ destroyInstance: 200, or 404 "Instance not found" (gone).
// Paths keep the trailing `/` the CLI sends on v0 routes (the spec omits it; see the
// provider-specs README); the v1 list is called as the spec writes it.
// Command: runtype "args" passes `args` to the image's ENTRYPOINT ("Arguments array to
// passed to the image entrypoint"); the schema has no entrypoint override, so a wrapped
// command such as ['sh', '-c', script, 'switchyard-agent', …cmd] reaches the container as
// Docker CMD words, unchanged — an image whose ENTRYPOINT does not exec its arguments will
// not run it (docs/providers/vastai.md).
// Ownership: the label `switchyard-<attemptId>`, set at create; an instance read back with
// another label is not ours (state lost), and is never destroyed by cancel.
// No exit code in the API (status.ts). ASSUMED where the spec is silent: GPU name spellings
// (gpu-names.ts), the env string's quoting (env-flags.ts), status words (status.ts).
import {
  answerEach,
  ProviderError,
  type AttemptRef,
  type LaunchRequest,
  type LaunchResult,
  type Offer,
  type OfferQuery,
  type Provider,
  type ProviderInfo,
  type ProviderStatus,
  type StatusAnswer,
} from '../../core/provider.js';
import { redactingLogin } from '../shared/registry-login.js';
import type { HttpClient } from '../shared/http-client.js';
import { apiKeyProviderInfo } from '../shared/provider-info.js';
import { createVastClient } from './client.js';
import { dockerEnvFlags } from './env-flags.js';
import { imageLoginFor } from './image-login.js';
import { requestedModelFor, searchNamesFor } from './gpu-names.js';
import { VastInstances } from './instances.js';
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
  machine_id?: number;
  reliability?: number;
  reliability2?: number;
}

const countryOf = (geo: string | null | undefined): string | undefined => {
  const cc = geo?.split(',').pop()?.trim();
  return cc && /^[A-Za-z]{2}$/.test(cc) ? cc.toUpperCase() : undefined;
};

const reliabilityOf = (o: VastOffer): number | undefined => {
  const r = o.reliability ?? o.reliability2;
  return typeof r === 'number' && r >= 0 && r <= 1 ? r : undefined;
};

export class VastProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  readonly billing = { startsAt: 'running', unitSeconds: 1 } as const; // docs/providers/vastai.md: dph_total per hour; when billing starts is not in the spec (ASSUMPTION: from running)
  private readonly client: HttpClient;
  private readonly instances: VastInstances;
  private readonly prefix: string;

  constructor(private readonly config: VastConfig) {
    this.name = config.name ?? 'vastai';
    this.prefix = config.labelPrefix ?? 'switchyard-';
    this.client = createVastClient(config);
    this.instances = new VastInstances(this.client);
  }

  info(): ProviderInfo {
    // Vast has no price list; offers() asks the live market.
    return apiKeyProviderInfo(this.name, this.kind, this.config.apiKey, 'no Vast.ai API key configured');
  }

  /** A live market: any GPU family Vast names may be listed again once a machine is freed. */
  mayOfferLater(query: Pick<OfferQuery, 'gpu'>): boolean {
    return searchNamesFor(query.gpu.models).length > 0;
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    const names = searchNamesFor(query.gpu.models);
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
      order: [
        ['dph_total', 'asc'],
        ['reliability', 'desc'],
      ],
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
      const reliability = reliabilityOf(o);
      out.push({
        provider: this.name,
        offerId: String(o.id),
        gpuModel: model,
        gpuCount: o.num_gpus,
        vramGb,
        pricePerGpuHourUsd: Math.round(perGpu * 10_000) / 10_000,
        ...(region ? { region } : {}),
        expectedStartSeconds: this.config.expectedStartSeconds ?? 120,
        ...(o.machine_id !== undefined ? { hostId: String(o.machine_id) } : {}),
        ...(reliability !== undefined ? { hostReliability: reliability } : {}),
      });
    }
    return out.sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    // No error out of a launch that carries a registry login may name its password.
    return redactingLogin(request.imageCredentials, () => this.launchOnce(request));
  }

  private async launchOnce(request: LaunchRequest): Promise<LaunchResult> {
    const label = this.labelOf(request.attemptId);
    // Idempotency: Vast has no client token, but the label is set atomically at create,
    // so an earlier launch of this attempt is found by it. (Two launches racing in the
    // same instant could both miss; the reconciler's sweep destroys the loser.)
    const existing = await this.instances.byLabel(label);
    if (existing) return { providerRef: String(existing.id) };
    const askId = Number(request.offer.offerId);
    if (!Number.isInteger(askId)) throw new ProviderError('permanent', `not a Vast offer id: ${request.offer.offerId}`);
    const env = dockerEnvFlags({ ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId });
    const body = {
      image: request.image,
      label,
      env,
      disk: this.config.diskGb ?? 32,
      runtype: 'args',
      ...(request.command.length > 0 ? { args: request.command } : {}),
      // createInstance `image_login` (openapi.yaml PUT /api/v0/asks/{id}): the registry login, only here.
      ...(request.imageCredentials ? { image_login: imageLoginFor(request.imageCredentials, request.image) } : {}),
      // Fail fast (410) rather than sit queued on a host that cannot start us now.
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
    const answer = this.answerFor(ref, await this.resolve(ref));
    if ('error' in answer) throw answer.error;
    return answer.status;
  }

  /**
   * showInstances pages are at most 25 instances: 100 ids are 4 calls of one
   * `select_filters` {"id": {"in": [...]}} listing (show_instances.yaml: `in` is a supported
   * operator, `id` a filterable column). Refs without a numeric instance id go through status().
   */
  readonly statusBatchSize = 100;

  async statusMany(refs: AttemptRef[]): Promise<Map<string, StatusAnswer>> {
    const answers = new Map<string, StatusAnswer>();
    const byId = refs.filter((r) => r.providerRef !== undefined && Number.isInteger(Number(r.providerRef)));
    const listed = byId.length > 0 ? await this.instances.list({ id: { in: byId.map((r) => Number(r.providerRef)) } }) : [];
    const found = new Map(listed.map((i) => [String(i.id), i]));
    for (const ref of byId) answers.set(ref.attemptId, this.answerFor(ref, found.get(ref.providerRef!)));
    return answerEach(refs.filter((r) => !byId.includes(r)), (ref) => this.status(ref), answers);
  }

  /** Ownership per instance: it must carry this attempt's label, or it is no longer ours. */
  private answerFor(ref: AttemptRef, inst: VastInstance | undefined): StatusAnswer {
    if (!inst) return { error: new ProviderError('unknown-job', `vastai has no instance for attempt ${ref.attemptId}`) };
    if (inst.label !== this.labelOf(ref.attemptId)) {
      return {
        status: {
          state: 'lost',
          providerFault: true,
          message: `vastai instance ${inst.id} carries label ${JSON.stringify(inst.label ?? null)}, not this attempt's: the machine is no longer ours`,
        },
      };
    }
    return { status: mapVastStatus(inst) };
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const inst = await this.resolve(ref);
    // Never launched, already destroyed, or someone else's instance now: nothing of ours to stop.
    if (!inst || inst.label !== this.labelOf(ref.attemptId)) return;
    try {
      await this.client.call('DELETE', `/api/v0/instances/${inst.id}/`);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return; // destroyed meanwhile
      throw err;
    }
  }

  /** Instances whose label says Switchyard launched them, for the reconciler's sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    // select_filters offers no prefix operator, so every page is read and filtered here.
    return (await this.instances.list())
      .filter((i) => i.label?.startsWith(this.prefix))
      .map((i) => ({ attemptId: i.label!.slice(this.prefix.length), providerRef: String(i.id) }));
  }

  private labelOf(attemptId: string): string {
    return `${this.prefix}${attemptId}`;
  }

  private async resolve(ref: AttemptRef): Promise<VastInstance | undefined> {
    if (!ref.providerRef) return this.instances.byLabel(this.labelOf(ref.attemptId));
    const id = Number(ref.providerRef);
    if (!Number.isInteger(id)) throw new ProviderError('unknown-job', `not a Vast instance id: ${ref.providerRef}`);
    return this.instances.byId(id);
  }
}

export const createVastProvider = (config: VastConfig): VastProvider => new VastProvider(config);
