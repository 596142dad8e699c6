// Akash adapter over the Akash Console API (managed wallet, API key). Docs followed
// (read 2026-11-29):
//   https://akash.network/docs/api-documentation/console-api/getting-started/  (x-api-key,
//     {data: …} envelope, create deployment -> poll bids -> create lease -> close)
//   https://akash.network/docs/api-documentation/console-api/api-reference/   (error table)
//   github.com/akash-network/console apps/api: deployment.schema.ts (POST /v1/deployments
//     {data:{sdl}} -> {data:{dseq, manifest}}, GET/DELETE /v1/deployments/{dseq}, list with
//     skip/limit + pagination), bid.schema.ts (GET /v1/bids?dseq= -> {data:[{bid:{bid_id,
//     state, price:{denom,amount}}}]}), lease.schema.ts (POST /v1/leases {manifest, leases:
//     [{dseq,gseq,oseq,provider}]}, certificate optional), shell-exec.router.ts (POST
//     /v1/deployments/{dseq}/leases/{gseq}/{oseq}/shell-exec), gpu router (GET /v1/gpu-prices).
// Where the docs disagree: the website reference shows flat bodies ({sdl}, {dseq, bidId})
// in one revision and {data:{…}} envelopes in another; we follow the console source.
// Not documented, decided here: what a bid price's denom is worth in USD (pricing.ts),
// and how to see a job finish (sdl.ts wraps the command and writes an exit file).
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
import { HttpError, type HttpClient } from '../shared/http-client.js';
import { apiKeyProviderInfo } from '../shared/provider-info.js';
import { createAkashClient } from './client.js';
import { getDeployment, ownedDeployments } from './deployments.js';
import { akashGpuOf, gibOf } from './gpu-models.js';
import { decodeOfferId, encodeOfferId } from './offer-id.js';
import { defaultPricing, maxAmountPerBlock, usdPerGpuHour, type AkashPricing } from './pricing.js';
import { EXIT_FILE, SERVICE, buildSdl } from './sdl.js';
import { phaseOf, type AkashLease } from './status.js';

export interface AkashConfig {
  apiKey: string;
  baseUrl?: string;
  name?: string;
  /** USD price of AKT; without it, bids in uakt are ignored. */
  aktUsd?: number;
  pricing?: Partial<AkashPricing>;
  /** How long launch waits for an acceptable bid, and how often it looks. */
  bidWaitMs?: number;
  bidPollMs?: number;
  /** Per-GPU resources for the SDL; the LaunchRequest carries no cpu/memory/disk. */
  cpuPerGpu?: number;
  memoryGiPerGpu?: number;
  storageGi?: number;
  expectedStartSeconds?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface GpuPriceModel {
  vendor: string;
  model: string;
  ram: string;
  interface?: string;
  availability?: { total: number; available: number };
  price?: { min?: number; max?: number; avg?: number; med?: number };
}

interface Bid {
  bid: { bid_id: { dseq: string; gseq: number; oseq: number; provider: string }; state: string; price: { denom: string; amount: string } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AkashProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  readonly billing = { startsAt: 'launch', unitSeconds: 6 } as const; // docs/providers/akash.md: per block (≈6.1 s) from the lease's creation, from escrow
  private readonly client: HttpClient;
  private readonly pricing: AkashPricing;

  constructor(private readonly config: AkashConfig) {
    this.name = config.name ?? 'akash';
    this.pricing = { ...defaultPricing(config.aktUsd), ...config.pricing };
    this.client = createAkashClient(config);
  }

  info(): ProviderInfo {
    return apiKeyProviderInfo(this.name, this.kind, this.config.apiKey, 'no Akash Console API key configured');
  }

  /**
   * Akash has no standing offers: providers bid only on a created deployment. The quote is
   * the console's market snapshot (/v1/gpu-prices, USD per GPU-hour, ~15 min old), and the
   * job's ceiling rides in the offer id so launch can refuse bids above it. Region
   * constraints cannot be checked from that snapshot, so a query with regions gets none.
   */
  async offers(query: OfferQuery): Promise<Offer[]> {
    if (query.regions && query.regions.length > 0) return [];
    const res = await this.client.call<{ models?: GpuPriceModel[] } | { data?: { models?: GpuPriceModel[] } }>('GET', '/v1/gpu-prices');
    const models = ('models' in res ? res.models : (res as { data?: { models?: GpuPriceModel[] } }).data?.models) ?? [];
    const out: Offer[] = [];
    for (const wanted of query.gpu.models) {
      const gpu = akashGpuOf(wanted);
      for (const m of models) {
        const vramGb = gibOf(m.ram);
        if (m.vendor !== 'nvidia' || m.model !== gpu.model || (gpu.ram && m.ram !== gpu.ram)) continue;
        if (vramGb < (query.gpu.minVramGb ?? 0) || (m.availability?.available ?? 0) < query.gpu.count) continue;
        const min = m.price?.min;
        if (min === undefined || min > query.maxPricePerGpuHourUsd) continue;
        // The median is what a typical cheapest bid looks like; the min is often one host.
        const estimate = Math.min(Math.max(m.price?.med ?? m.price?.avg ?? min, min), query.maxPricePerGpuHourUsd);
        out.push({
          provider: this.name,
          offerId: encodeOfferId({ model: m.model, ram: m.ram, iface: m.interface, count: query.gpu.count, max: query.maxPricePerGpuHourUsd }),
          gpuModel: wanted,
          gpuCount: query.gpu.count,
          vramGb,
          pricePerGpuHourUsd: Math.round(estimate * 10_000) / 10_000,
          expectedStartSeconds: this.config.expectedStartSeconds ?? 90,
        });
      }
    }
    return out.sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const spec = decodeOfferId(request.offer.offerId);
    if (!spec) throw new ProviderError('permanent', `not an Akash offer id: ${request.offer.offerId}`);
    // Idempotency: the attempt id is in the SDL's env, which the console stores with the
    // deployment. A leased deployment for this attempt is the answer; one without a lease
    // is a launch that died mid-auction, and since its manifest is not retrievable it is
    // closed and the auction starts again.
    const earlier = (await ownedDeployments(this.client)).find((o) => o.attemptId === request.attemptId);
    if (earlier) {
      const dseq = earlier.deployment.deployment.id.dseq;
      if (earlier.deployment.leases.some((l) => l.state === 'active')) return { providerRef: dseq };
      await this.close(dseq);
    }
    const sdl = buildSdl({
      attemptId: request.attemptId,
      jobId: request.jobId,
      image: request.image,
      command: request.command,
      env: request.env,
      gpu: { model: spec.model, ...(spec.ram ? { ram: spec.ram } : {}), units: spec.count },
      cpuUnits: (this.config.cpuPerGpu ?? 8) * spec.count,
      memoryGi: (this.config.memoryGiPerGpu ?? 32) * spec.count,
      storageGi: this.config.storageGi ?? 100,
      pricing: { denom: this.pricing.sdlDenom, amount: maxAmountPerBlock(spec.max, spec.count, this.pricing) },
    });
    const created = await this.client.call<{ data: { dseq: string; manifest: string } }>('POST', '/v1/deployments', { data: { sdl } });
    const { dseq, manifest } = created.data;
    const bid = await this.awaitBid(dseq, spec.count, spec.max);
    if (!bid) {
      await this.close(dseq);
      throw new ProviderError('capacity', `akash: no bid at or under $${spec.max}/GPU-hour for ${spec.count}× ${spec.model} within ${this.bidWaitMs()} ms`);
    }
    try {
      await this.client.call('POST', '/v1/leases', { manifest, leases: [{ dseq, gseq: bid.gseq, oseq: bid.oseq, provider: bid.provider }] });
    } catch (err) {
      // 409: the lease already exists (an earlier try of this very call landed).
      if (!(err instanceof HttpError && err.status === 409)) throw err;
    }
    return { providerRef: dseq };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const dseq = ref.providerRef ?? (await this.findDseq(ref.attemptId));
    if (!dseq) throw new ProviderError('unknown-job', `akash has no deployment for attempt ${ref.attemptId}`);
    const { status, lease } = phaseOf(await getDeployment(this.client, dseq));
    if (status.state !== 'running' || !lease) return status;
    return this.checkExit(lease);
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const dseq = ref.providerRef ?? (await this.findDseq(ref.attemptId));
    if (dseq) await this.close(dseq);
  }

  async listOwned(): Promise<AttemptRef[]> {
    return (await ownedDeployments(this.client)).map((o) => ({ attemptId: o.attemptId, providerRef: o.deployment.deployment.id.dseq }));
  }

  private bidWaitMs(): number {
    return this.config.bidWaitMs ?? 60_000;
  }

  /** Polls bids until one is open and at or under the ceiling; picks the cheapest. */
  private async awaitBid(dseq: string, gpus: number, ceiling: number) {
    const deadline = Date.now() + this.bidWaitMs();
    for (;;) {
      const res = await this.client.call<{ data?: Bid[] }>('GET', `/v1/bids?dseq=${encodeURIComponent(dseq)}`);
      const acceptable = (res.data ?? [])
        .filter((b) => b.bid.state === 'open')
        .map((b) => ({ ...b.bid.bid_id, usd: usdPerGpuHour(b.bid.price, gpus, this.pricing) }))
        .filter((b): b is typeof b & { usd: number } => b.usd !== undefined && b.usd <= ceiling)
        .sort((a, b) => a.usd - b.usd);
      if (acceptable[0]) return acceptable[0];
      if (Date.now() >= deadline) return undefined;
      await sleep(this.config.bidPollMs ?? 3_000);
    }
  }

  /** The wrapped command leaves its exit code in EXIT_FILE; read it through shell-exec. */
  private async checkExit(lease: AkashLease): Promise<ProviderStatus> {
    const { dseq, gseq, oseq } = lease.id;
    try {
      const res = await this.client.call<{ stdout?: string; exitCode?: number; data?: { stdout?: string; exitCode?: number } }>(
        'POST',
        `/v1/deployments/${dseq}/leases/${gseq}/${oseq}/shell-exec`,
        { command: ['cat', EXIT_FILE], service: SERVICE, timeout: 10 },
      );
      const out = res.data ?? res;
      const text = (out.stdout ?? '').trim();
      if (out.exitCode === 0 && /^\d+$/.test(text)) {
        const exitCode = Number(text);
        return { state: exitCode === 0 ? 'succeeded' : 'failed', exitCode };
      }
      return { state: 'running' };
    } catch (err) {
      // The exec path goes through the provider's proxy; its hiccups say nothing about
      // the job, so the lease's own "running" stands. Bad credentials still surface.
      if (err instanceof ProviderError && err.kind === 'auth') throw err;
      return { state: 'running', message: `exit check failed: ${(err as Error).message}` };
    }
  }

  private async findDseq(attemptId: string): Promise<string | undefined> {
    return (await ownedDeployments(this.client)).find((o) => o.attemptId === attemptId)?.deployment.deployment.id.dseq;
  }

  /** Close is idempotent: a deployment that is gone or already closed counts as closed. */
  private async close(dseq: string): Promise<void> {
    try {
      await this.client.call('DELETE', `/v1/deployments/${encodeURIComponent(dseq)}`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return;
      if (err instanceof HttpError && err.status === 400) {
        // The docs give no error for closing a closed deployment; look rather than guess.
        const d = await getDeployment(this.client, dseq).catch(() => undefined);
        if (!d || d.deployment.state !== 'active') return;
      }
      throw err;
    }
  }
}

export const createAkashProvider = (config: AkashConfig): AkashProvider => new AkashProvider(config);
