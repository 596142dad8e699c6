// Akash adapter over the Akash Console API (managed wallet, `x-api-key`), per the Console's
// generated OpenAPI 3.0 document (../shared/provider-specs/akash/apps/api/swagger/
// openapi.json, console@4c0dde7) and akash/FACTS.md. Operations used:
//   GET    /v1/gpu-prices                 offers: the market snapshot, USD per GPU-hour (public)
//   POST   /v1/deployments                {data:{sdl, deposit}} -> 201 {data:{dseq, manifest, signTx}};
//                                         a private image's login rides in the SDL's
//                                         services.<name>.credentials (sdl.ts);
//                                         `deposit` (USD) is required unless managed deposits are on
//                                         (FACTS §1), so it is always sent (ignored when they are on)
//   GET    /v1/bids?dseq=                 bids; the key is `bid.id` (FACTS §1), not `bid_id`
//   POST   /v1/leases                     {manifest, leases:[{dseq, gseq, oseq, provider}]}
//   GET    /v1/deployments/{dseq}         state, leases, lease status (replica counts; FACTS §2 row A)
//   GET    /v1/deployments?skip=&limit=   the account's deployments (listOwned, launch idempotency)
//   GET    /v1/deployment/{owner}/{dseq}  group specs: the placement name is the ownership mark
//   DELETE /v1/deployments/{dseq}         close (idempotent here; after a job, and at once when a
//                                         lease cannot be made)
//   POST   /v1/create-jwt-token, GET /v1/providers/{address}, then the provider's lease logs
//                                         (FACTS §2 row C; lease-logs.ts): the job's end
// Prices: the Console rewrites SDL prices to `uact`; bids are priced with the ACT/USD rate
// (`actUsd`, default 1) — pricing.ts. Exit code: the Console publishes none (FACTS §2;
// `shell-exec`, the only structured one, is on an unmerged pull request and is not used).
// The wrapper in sdl.ts prints the code on a marker line that the adapter reads from the
// lease logs; without it (no command, logs unreadable) the attempt says "exit code not
// reported by Akash".
// Spec silent, assumed (contract assumptions in test/contracts/providers/akash.ts): error
// statuses and bodies — the document lists success responses only; the Console API
// reference's Errors table (akash.network/docs/api-documentation/console-api/api-reference/)
// gives 400/401/404/429/500 with {error, message}. Closing a closed deployment: not
// documented; the adapter reads the deployment back rather than guess.
// Bids arrive over time, and the lease needs the manifest returned by create (auction.ts).
// When the core keeps an unfinished launch's state (request.mayFinishLater, sealed by
// src/core/launch-state.ts), launch creates the deployment, takes a bid already in, and
// otherwise returns the manifest as its launchState: the reconciler's status reads look at the
// bids and create the lease, and no function waits on the auction. No acceptable bid within
// the auction window (bidWaitMs, 60 s by default) is a capacity refusal (status: lost,
// noCapacity): the core closes the deployment and the job waits for capacity
// (src/core/capacity-wait.ts). Without mayFinishLater launch waits itself, 30 s by default
// (the Console quickstart: "wait 30 seconds for bids"), well inside a dispatch function.
// ASSUMPTION (spec silent): an open order keeps taking bids for the auction window.
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
import { attemptOfDeployment, getDeployment, ownedDeployments } from './deployments.js';
import { akashGpuOf, gibOf } from './gpu-models.js';
import { LeaseLogs } from './lease-logs.js';
import { decodeOfferId, encodeOfferId } from './offer-id.js';
import { defaultPricing, depositUsd, maxAmountPerBlock, type AkashPricing } from './pricing.js';
import { awaitBid, bestBid, decodeAuction, encodeAuction, leaseUnlessGone } from './auction.js';
import { SERVICE, buildSdl, exitCodeInLogs, sdlRegistryHost } from './sdl.js';
import { registryHostOf, redactingLogin } from '../shared/registry-login.js';
import { phaseOf, type AkashLease } from './status.js';

export interface AkashConfig {
  apiKey: string;
  baseUrl?: string;
  name?: string;
  /** USD per ACT (bids and SDL prices are in uact); default 1. */
  actUsd?: number;
  /** USD price of AKT; without it, bids in uakt are ignored. */
  aktUsd?: number;
  /** Floor of the USD deposit sent with each deployment; default 5. */
  minDepositUsd?: number;
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
  price?: { min?: number; max?: number; avg?: number; med?: number } | null;
}

export const NO_EXIT_CODE = 'exit code not reported by Akash';
/** How long a launch waits for an acceptable bid inside the call unless configured (bidWaitMs). */
export const DEFAULT_BID_WAIT_MS = 30_000;
/** How long an auction the reconciler finishes stays open for an acceptable bid unless configured. */
export const DEFAULT_AUCTION_MS = 60_000;

export class AkashProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  readonly billing = { startsAt: 'launch', unitSeconds: 6 } as const; // docs/providers/akash.md: per block (≈6.1 s) from the lease's creation, from escrow
  private readonly client: HttpClient;
  private readonly pricing: AkashPricing;
  private readonly leaseLogs: LeaseLogs;
  /** dseq -> the attempt its placement group names (chain group specs never change). */
  private readonly groupOwner = new Map<string, string | null>();

  constructor(private readonly config: AkashConfig) {
    this.name = config.name ?? 'akash';
    this.pricing = { ...defaultPricing({ actUsd: config.actUsd, aktUsd: config.aktUsd }), ...config.pricing };
    this.client = createAkashClient(config);
    this.leaseLogs = new LeaseLogs(this.client, config.timeoutMs);
  }

  info(): ProviderInfo {
    return apiKeyProviderInfo(this.name, this.kind, this.config.apiKey, 'no Akash Console API key configured');
  }

  /** Providers bid on any GPU they have; the snapshot cannot check regions, so a job with regions never gets one. */
  mayOfferLater(query: Pick<OfferQuery, 'regions'>): boolean {
    return !query.regions || query.regions.length === 0;
  }

  /**
   * Akash has no standing offers: providers bid only on a created deployment. The quote is
   * the console's market snapshot (/v1/gpu-prices, USD per GPU-hour), and the job's ceiling
   * rides in the offer id so launch can refuse bids above it. Region constraints cannot be
   * checked from that snapshot, so a query with regions gets none.
   */
  async offers(query: OfferQuery): Promise<Offer[]> {
    if (query.regions && query.regions.length > 0) return [];
    const res = await this.client.call<{ models?: GpuPriceModel[] }>('GET', '/v1/gpu-prices', undefined, { auth: false });
    const out: Offer[] = [];
    for (const wanted of query.gpu.models) {
      const gpu = akashGpuOf(wanted);
      for (const m of res.models ?? []) {
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
    // No error out of a launch that carries a registry login may name its password.
    return redactingLogin(request.imageCredentials, () => this.launchOnce(request));
  }

  private async launchOnce(request: LaunchRequest): Promise<LaunchResult> {
    const spec = decodeOfferId(request.offer.offerId);
    if (!spec) throw new ProviderError('permanent', `not an Akash offer id: ${request.offer.offerId}`);
    // Idempotency: the attempt id names the deployment's placement group. A leased
    // deployment for this attempt is the answer; one without a lease is a launch that died
    // mid-auction, and since its manifest is not retrievable it is closed and the auction
    // starts again.
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
      // SDL services.<name>.credentials (sdl.ts): a private image's registry login.
      ...(request.imageCredentials
        ? {
            credentials: {
              host: sdlRegistryHost(registryHostOf(request.imageCredentials, request.image)),
              username: request.imageCredentials.username,
              password: request.imageCredentials.password,
            },
          }
        : {}),
    });
    const deposit = depositUsd(spec.max, spec.count, request.maxDurationSeconds, this.config.minDepositUsd ?? 5);
    const created = await this.client.call<{ data: { dseq: string; manifest: string } }>('POST', '/v1/deployments', { data: { sdl, deposit } });
    const { dseq, manifest } = created.data;
    const look = { dseq, gpus: spec.count, ceiling: spec.max, pricing: this.pricing };
    try {
      const bid = request.mayFinishLater
        ? await bestBid(this.client, look).catch(() => undefined) // the reconciler looks again
        : await awaitBid(this.client, look, this.bidWaitMs(false), this.config.bidPollMs ?? 3_000);
      if (bid) {
        const lease = await leaseUnlessGone(this.client, manifest, bid);
        if (lease.leased) return { providerRef: dseq };
        if (!request.mayFinishLater) throw new ProviderError('capacity', `akash: the bid of ${bid.provider} was no longer open (${lease.why})`);
      } else if (!request.mayFinishLater) {
        throw new ProviderError('capacity', `akash: no bid at or under $${spec.max}/GPU-hour for ${spec.count}× ${spec.model} within ${this.bidWaitMs(false)} ms`);
      }
    } catch (err) {
      // No lease, no job: the deployment's escrow must not stay open. Closed at once.
      await this.close(dseq).catch(() => undefined);
      throw err;
    }
    const state = { v: 1 as const, manifest, gpus: spec.count, max: spec.max, model: spec.model, closesAt: Date.now() + this.bidWaitMs(true) };
    return { providerRef: dseq, launchState: encodeAuction(state) };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const dseq = ref.providerRef ?? (await this.findDseq(ref.attemptId));
    if (!dseq) throw new ProviderError('unknown-job', `akash has no deployment for attempt ${ref.attemptId}`);
    const deployment = await getDeployment(this.client, dseq);
    const owner = await this.ownerOf(deployment.deployment.id.owner, dseq);
    if (owner === undefined) return { state: 'pending', message: `deployment ${dseq} is not indexed yet; ownership unconfirmed` };
    if (owner !== ref.attemptId) {
      return { state: 'lost', providerFault: true, message: `deployment ${dseq} belongs to ${owner ?? 'no Switchyard attempt'}, not ${ref.attemptId}` };
    }
    if (deployment.deployment.state === 'active' && deployment.leases.length === 0 && ref.launchState !== undefined) {
      return this.advanceAuction(dseq, ref.launchState);
    }
    const { status, lease } = phaseOf(deployment);
    if (status.state !== 'running' || !lease) return status;
    return this.checkExit(ref.attemptId, lease);
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const dseq = ref.providerRef ?? (await this.findDseq(ref.attemptId));
    if (dseq) await this.close(dseq);
  }

  async listOwned(): Promise<AttemptRef[]> {
    return (await ownedDeployments(this.client)).map((o) => ({ attemptId: o.attemptId, providerRef: o.deployment.deployment.id.dseq }));
  }

  private bidWaitMs(finishedLater: boolean): number {
    return this.config.bidWaitMs ?? (finishedLater ? DEFAULT_AUCTION_MS : DEFAULT_BID_WAIT_MS);
  }

  /** The reconciler's read of an open auction: lease the best acceptable bid, or end it once the window closed. */
  private async advanceAuction(dseq: string, raw: string): Promise<ProviderStatus> {
    const state = decodeAuction(raw);
    if (!state) return { state: 'pending', message: 'waiting for a lease (auction state unreadable)' };
    const bid = await bestBid(this.client, { dseq, gpus: state.gpus, ceiling: state.max, pricing: this.pricing });
    if (bid) {
      // A refused lease: the next read looks again; the start deadline bounds it.
      const lease = await leaseUnlessGone(this.client, state.manifest, bid);
      if (!lease.leased) return { state: 'pending', message: `lease to ${bid.provider} not made (${lease.why}); looking again` };
      return { state: 'pending', message: `leased to ${bid.provider} at $${bid.usd.toFixed(4)}/GPU-hour; container starting` };
    }
    if (Date.now() < state.closesAt) return { state: 'pending', message: `auction open: no bid at or under $${state.max}/GPU-hour yet` };
    return {
      state: 'lost',
      noCapacity: true,
      resource: 'held', // the deployment is open until the core's stop closes it
      message: `akash: no bid at or under $${state.max}/GPU-hour for ${state.gpus}× ${state.model} within ${Math.round(this.bidWaitMs(true) / 1000)} s`,
    };
  }

  /** The wrapper's marker line in the lease logs is the job's end and its exit code. */
  private async checkExit(attemptId: string, lease: AkashLease): Promise<ProviderStatus> {
    try {
      const exitCode = exitCodeInLogs(attemptId, await this.leaseLogs.lines(lease.id, SERVICE));
      if (exitCode === undefined) return { state: 'running', message: NO_EXIT_CODE };
      return { state: exitCode === 0 ? 'succeeded' : 'failed', exitCode };
    } catch (err) {
      // The provider's log stream says nothing about the job when it hiccups; the lease's
      // own "running" stands. Bad Console credentials still surface.
      if (err instanceof ProviderError && err.kind === 'auth') throw err;
      return { state: 'running', message: `${NO_EXIT_CODE} (lease logs unreadable: ${(err as Error).message})` };
    }
  }

  private async ownerOf(owner: string, dseq: string): Promise<string | null | undefined> {
    if (this.groupOwner.has(dseq)) return this.groupOwner.get(dseq);
    const attempt = await attemptOfDeployment(this.client, owner, dseq);
    if (attempt !== undefined) this.groupOwner.set(dseq, attempt);
    return attempt;
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
        // Not documented for a closed deployment; look rather than guess.
        const d = await getDeployment(this.client, dseq).catch(() => undefined);
        if (!d || d.deployment.state !== 'active') return;
      }
      throw err;
    }
  }
}

export const createAkashProvider = (config: AkashConfig): AkashProvider => new AkashProvider(config);
