// Render Network compute through OTOY's Dispersed API. There is no OpenAPI for it; this
// follows ../shared/provider-specs/render-dispersed/FACTS.md (docs pages at
// otoyinc.mintlify.app, and the example client dispersednetwork/compute_examples
// compute-examples/python-gpu-workloads/dispersed.py, "EX"), row by row:
//   auth        HMAC-SHA256 over publicKey|X-Time|X-Nonce|METHOD|path|sorted query|sha256(body)
//               (AUTH; signing.ts)
//   offers      GET /v1/compute/offers ?limit&page&filter[gpu_count]&filter[min_vram_gb]
//               &filter[allowed_region_codes] -> {data:[{offer_id, region_code,
//               hardware_summary, pricing.hourly_rate_usd}], …} (REF-OFFERS)
//   launch      POST /v1/jobs, task BATCH (CREATE, REF-JOB; job-body.ts)
//   status      GET /v1/jobs/{uuid} `status` (EX get_job), GET /v1/job-runs?filter[job_uuid]
//               (MON; EX get_job_runs), GET /v1/job-runs/{uuid} for `logs` (MON)
//   cancel      PUT /v1/jobs/{uuid}/cancel {reason} — found ONLY in EX's stop_job; no docs page
//   listOwned   GET /v1/jobs ?page&limit&sort=-created_at&filter[status] (EX list_jobs)
// The command: the API has no command/entrypoint field (FACTS.md, POST /v1/jobs row); the
// image's own entrypoint runs. The command is passed in the documented `env` as
// SWITCHYARD_COMMAND, and a launch is refused (permanent ProviderError) unless the image is
// one the operator listed in `commandImages` as running it (job-body.ts). With none listed,
// no offers are made. Placement cannot see the image, so a job with another image placed
// here gets one refused attempt and moves on.
// Ownership: the job's `title` is `switchyard-<attemptId>`; every status read checks it,
// a job carrying another title is a lost machine, never a success.
// ASSUMPTIONS (FACTS.md marks these UNCONFIRMED or says nothing):
//   - host: api.dispersed.com (the docs' samples) by default; EX uses api.compute.x.io.
//   - the create answer carries the job id as `uuid` or `data.uuid` (as EX reads it).
//   - GET /v1/jobs/{uuid} answers the job object (or `{data: job}`) echoing `title`
//     (REF-COOK's job-like object has `title`); GET /v1/jobs is `{data: [job…], page, limit,
//     total}` like the documented job-run and offer lists; job statuses are the run statuses.
//   - errors: 401/403 for a refused signature or key, 404 for an unknown job, 429 and 5xx
//     transient; bodies carry a `message` or `error` string. Clock skew and nonce windows
//     are unknown: X-Time is the local clock and each request takes a fresh nonce.
//   - cancel (EX only): answers 2xx; a job already finished may refuse it with a 4xx, after
//     which the job is read again. A cancelled job passes through CANCELLING to CANCELLED.
//   - `pricing.hourly_rate_usd` is the whole offer's rate (all its GPUs), so the price per
//     GPU is rate / gpu_count; a job is placed only on an offer with exactly its GPU count.
//   - a job is placed by the offer's GPU (`gpu_registry_uuid`), GPU count and region: the
//     create body takes no offer id, so the node and its price are Dispersed's choice.
//   - how consumers pay (USD or RENDER) is unconfirmed; quotes are the USD rates offered.
//   - private registries (`host`/`user`/`secret`) and digests are not supported.
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
import { HttpError, type HttpClient } from '../shared/http-client.js';
import { createDispersedClient, unwrap, type DispersedJob, type DispersedOffer, type DispersedRun, type Page } from './client.js';
import { offeredModelFor } from './gpu-names.js';
import { buildJobBody, encodeOfferId } from './job-body.js';
import { FINISHED, LIVE, mapJobStatus, tailOf } from './status.js';

export interface RenderConfig {
  publicKey: string;
  secretKey: string;
  baseUrl?: string;
  name?: string;
  /** Images whose entrypoint runs SWITCHYARD_COMMAND (`repo`, `repo-prefix*`, or `*`). */
  commandImages?: string[];
  /** Job titles start with this, so a sweep finds what Switchyard launched. */
  titlePrefix?: string;
  minStorageGb?: number;
  runGraceSeconds?: number;
  expectedStartSeconds?: number;
  /** Pages of 50 read when listing jobs or offers. */
  maxPages?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const PAGE = 50; // the largest `limit` the lists take

export class RenderProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  // FACTS.md (render-dispersed): "billed for execution time"; when metering starts is UNCONFIRMED (ASSUMPTION: from running, per second).
  readonly billing = { startsAt: 'running', unitSeconds: 1 } as const;
  private readonly client: HttpClient;
  private readonly prefix: string;
  private readonly commandImages: string[];

  constructor(private readonly config: RenderConfig) {
    this.name = config.name ?? 'render';
    this.prefix = config.titlePrefix ?? 'switchyard-';
    this.commandImages = config.commandImages ?? [];
    this.client = createDispersedClient(config);
  }

  info(): ProviderInfo {
    const usable = this.commandImages.length > 0;
    return {
      name: this.name,
      kind: this.kind,
      enabled: true,
      catalog: [],
      health: 'healthy',
      ...(usable ? {} : { note: 'no commandImages configured: Dispersed cannot carry a command, so no job is placed here' }),
    };
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    if (this.commandImages.length === 0) return [];
    const filters: Record<string, string> = { 'filter[gpu_count]': String(query.gpu.count) };
    if (query.gpu.minVramGb !== undefined) filters['filter[min_vram_gb]'] = String(Math.ceil(query.gpu.minVramGb));
    if (query.regions && query.regions.length > 0) filters['filter[allowed_region_codes]'] = query.regions.join(',');
    const out: Offer[] = [];
    for (const o of await this.pages<DispersedOffer>('/v1/compute/offers', filters)) {
      const offer = this.toOffer(o, query);
      if (offer) out.push(offer);
    }
    return out.sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
  }

  private toOffer(o: DispersedOffer, query: OfferQuery): Offer | undefined {
    const hw = o.hardware_summary ?? {};
    const first = hw.gpu_models?.[0];
    const count = hw.gpu_count ?? first?.count ?? 0;
    const vramGb = hw.min_gpu_vram_gib ?? first?.min_vram_gib ?? 0;
    const rate = o.pricing?.hourly_rate_usd;
    const model = offeredModelFor(query.gpu.models, hw.gpu_model_label ?? first?.name ?? '', vramGb);
    if (!model || typeof rate !== 'number' || count !== query.gpu.count) return undefined;
    const perGpu = Math.round((rate / count) * 10_000) / 10_000;
    if (perGpu > query.maxPricePerGpuHourUsd || vramGb < (query.gpu.minVramGb ?? 0)) return undefined;
    if (query.regions?.length && !query.regions.includes(o.region_code ?? '')) return undefined;
    return {
      provider: this.name,
      offerId: encodeOfferId(o.offer_id, hw.gpu_registry_uuid ?? first?.gpu_registry_uuid),
      gpuModel: model,
      gpuCount: count,
      vramGb,
      pricePerGpuHourUsd: perGpu,
      ...(o.region_code ? { region: o.region_code } : {}),
      expectedStartSeconds: this.config.expectedStartSeconds ?? 180,
    };
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    // No error out of a launch that carries a registry login may name its password.
    return redactingLogin(request.imageCredentials, () => this.launchOnce(request));
  }

  private async launchOnce(request: LaunchRequest): Promise<LaunchResult> {
    if (request.maxPricePerGpuHourUsd !== undefined && request.offer.pricePerGpuHourUsd > request.maxPricePerGpuHourUsd) {
      throw new ProviderError('permanent', `render offer ${request.offer.offerId} is over the price ceiling`);
    }
    const title = this.titleOf(request.attemptId);
    const body = buildJobBody(request, {
      title,
      commandImages: this.commandImages,
      minStorageGb: this.config.minStorageGb ?? 20,
      runGraceSeconds: this.config.runGraceSeconds ?? 300,
    });
    // Idempotency: Dispersed takes no client token, so an earlier launch of this attempt is
    // looked up by title first. (Two launches racing in the same instant could both miss;
    // the reconciler's sweep stops the loser.)
    const existing = await this.findByTitle(title, false);
    if (existing?.uuid) return { providerRef: existing.uuid };
    const created = await this.client.call<unknown>('POST', '/v1/jobs', body);
    const uuid = unwrap<DispersedJob>(created)?.uuid ?? (await this.findByTitle(title, false))?.uuid;
    if (!uuid) throw new ProviderError('transient', 'render POST /v1/jobs answered without a job uuid');
    return { providerRef: uuid };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const job = await this.resolve(ref);
    if (!job?.uuid) throw new ProviderError('unknown-job', `render has no job for attempt ${ref.attemptId}`);
    const title = this.titleOf(ref.attemptId);
    if (job.title !== title) {
      return { state: 'lost', providerFault: true, message: `render job ${job.uuid} is titled ${JSON.stringify(job.title ?? null)}, not ${title}: not this attempt's` };
    }
    // Only a finished job needs its run: to tell "never ran" from "ran and failed", and for the output.
    if (!['COMPLETED', 'FAILED'].includes(job.status ?? '')) return mapJobStatus(job, undefined);
    const run = await this.newestRun(job.uuid);
    if (!run) return mapJobStatus(job, run);
    const detail = unwrap<DispersedRun>(await this.client.call<unknown>('GET', `/v1/job-runs/${encodeURIComponent(run.uuid)}`));
    return mapJobStatus(job, run, tailOf(detail?.logs));
  }

  async cancel(ref: AttemptRef): Promise<void> {
    let job: DispersedJob | undefined;
    try {
      job = await this.resolve(ref);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return; // gone already
      throw err;
    }
    // Never launched, not ours (the uuid now names another job), or already stopping.
    if (!job?.uuid || job.title !== this.titleOf(ref.attemptId) || this.stopped(job)) return;
    try {
      await this.client.call('PUT', `/v1/jobs/${encodeURIComponent(job.uuid)}/cancel`, { reason: `Cancelled by Switchyard (attempt ${ref.attemptId})` });
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return;
      // A job that finished in between may refuse the cancel: read it again and decide.
      if (!(err instanceof HttpError) || err.kind !== 'permanent') throw err;
      const now = await this.getJob(job.uuid).catch(() => undefined);
      if (!now || !this.stopped(now)) throw err;
    }
  }

  /** Jobs titled by Switchyard that may still hold a node, for the reconciler's sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    const jobs = await this.pages<DispersedJob>('/v1/jobs', { sort: '-created_at', 'filter[status]': LIVE.join(',') });
    return jobs
      .filter((j) => j.uuid && j.title?.startsWith(this.prefix) && LIVE.includes(j.status ?? ''))
      .map((j) => ({ attemptId: j.title!.slice(this.prefix.length), providerRef: j.uuid! }));
  }

  private titleOf(attemptId: string): string {
    return `${this.prefix}${attemptId}`;
  }

  private stopped(job: DispersedJob): boolean {
    return FINISHED.has(job.status ?? '') || job.status === 'CANCELLING';
  }

  private async getJob(uuid: string): Promise<DispersedJob | undefined> {
    return unwrap<DispersedJob>(await this.client.call<unknown>('GET', `/v1/jobs/${encodeURIComponent(uuid)}`));
  }

  private async resolve(ref: AttemptRef): Promise<DispersedJob | undefined> {
    if (ref.providerRef) return this.getJob(ref.providerRef);
    return this.findByTitle(this.titleOf(ref.attemptId), true);
  }

  /**
   * The newest job with this title: among the live ones (every page), or for a retried
   * launch among the newest 100 of any status (a retry follows its first try closely).
   */
  private async findByTitle(title: string, liveOnly: boolean): Promise<DispersedJob | undefined> {
    const filters: Record<string, string> = { sort: '-created_at', ...(liveOnly ? { 'filter[status]': LIVE.join(',') } : {}) };
    const jobs = await this.pages<DispersedJob>('/v1/jobs', filters, liveOnly ? undefined : 2);
    return jobs.find((j) => j.title === title && j.uuid);
  }

  private async newestRun(jobUuid: string): Promise<DispersedRun | undefined> {
    const page = await this.client.call<Page<DispersedRun>>('GET', '/v1/job-runs', undefined, {
      query: { 'filter[job_uuid]': jobUuid, limit: '10' },
    });
    const runs = Array.isArray(page?.data) ? page.data : [];
    return [...runs].sort((a, b) => (b.started_at_ms ?? 0) - (a.started_at_ms ?? 0))[0];
  }

  /** Every item of a paged list (`{data, page, limit, total}`), up to maxPages pages. */
  private async pages<T>(path: string, filters: Record<string, string>, maxPages = this.config.maxPages ?? 20): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= maxPages; page += 1) {
      const body = await this.client.call<Page<T>>('GET', path, undefined, { query: { ...filters, page: String(page), limit: String(PAGE) } });
      const data = Array.isArray(body?.data) ? body.data : [];
      items.push(...data);
      const total = typeof body?.total === 'number' ? body.total : undefined;
      if (data.length < PAGE || (total !== undefined && page * PAGE >= total)) break;
    }
    return items;
  }
}

export const createRenderProvider = (config: RenderConfig): RenderProvider => new RenderProvider(config);
