// Nosana adapter over the API-key Deployments API. Docs and source followed (read 2026-11-29):
//   learn.nosana.com/api/intro (github.com/nosana-ci/learn.nosana.com docs/api/intro.md):
//     base URL https://dashboard.k8s.prd.nos.ci/api, `Authorization: Bearer nos_…`
//   learn.nosana.com/api/create-deployments, /api/manage-deployments (same repo): POST
//     /api/deployments/create {name, market, timeout (minutes), replicas, strategy,
//     job_definition}; new deployments are DRAFT and must be started; GET /api/deployments,
//     GET /api/deployments/{id}, …/{id}/start, …/{id}/stop (answers {status:"STOPPING"}),
//     …/{id}/archive; full reference in the Swagger at /api/swagger
//   learn.nosana.com/getting-started/deployments/{intro,options,strategies}: status values,
//     strategies SIMPLE|SIMPLE-EXTEND|SCHEDULED|INFINITE
//   nosana.com/auth.md and nosana.com/pricing.md (github.com/nosana-ci/nosana.com public/):
//     current host https://api.nosana.com (same /api paths), GET /api/markets/ is public,
//     401 has a JSON body and no WWW-Authenticate, 402 = out of credits, credit-funded
//     deployments need timeout >= 60 minutes
//   github.com/nosana-ci/nosana-deployment-manager (the service behind /api/deployments):
//     router/setup/setupDeploymentsRoutes.ts (start/stop/archive are POST; jobs at
//     GET …/{id}/jobs and …/{id}/jobs/{job}), routes/post/…/deploymentStart.ts and
//     deploymentStop.ts (start only from DRAFT|STOPPED|ERROR|INSUFFICIENT_FUNDS, stop only
//     from RUNNING|ERROR|INSUFFICIENT_FUNDS, otherwise HTTP 500 "Deployment is in the
//     incorrect state."), errors/index.ts ({error: "Deployment not found."} with 404)
// Where the docs disagree: the curl examples for start/stop/archive send GET; the service
// routes them as POST, which this adapter sends. The default host is api.nosana.com.
// Inferred: lost vs. timed out vs. failed from job state and result (status.ts), the GPU
// count of multi-GPU markets (markets.ts), the paginated list shape (deployments.ts).
// Not supported by Nosana and ignored: regions (markets have none), CPU/memory sizing
// (a job gets the whole node of its market).
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
import { createNosanaClient } from './client.js';
import { buildCreateBody, getDeployment, jobDetail, latestJob, listDeployments } from './deployments.js';
import { gpuCountOf, nodePricePerHourUsd, requestedModelFor, type NosanaMarket } from './markets.js';
import { jobStateOf, mapNosanaStatus, type NosanaDeployment } from './status.js';

export interface NosanaConfig {
  apiKey: string;
  baseUrl?: string;
  name?: string;
  /** Deployment names start with this, so a sweep finds what Switchyard launched. */
  namePrefix?: string;
  /** Market tiers to place on (PREMIUM, COMMUNITY: cheaper, lower host stake; OTHER: multi-GPU). */
  marketTypes?: string[];
  minTimeoutMinutes?: number;
  expectedStartSeconds?: number;
  /** How long to ask the reconciler to wait before retrying a cancel Nosana refused. */
  cancelRetrySeconds?: number;
  /** Page size for listing deployments (the API takes 10, 20, 50 or 100). */
  pageSize?: 10 | 20 | 50 | 100;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const GONE = new Set(['STOPPING', 'STOPPED', 'ARCHIVED']);

export class NosanaProvider implements Provider {
  readonly name: string;
  readonly kind = 'decentralized' as const;
  readonly billing = { startsAt: 'running', unitSeconds: 1 } as const; // docs/providers/nosana.md: the market's price while the job runs; granularity not published (ASSUMPTION)
  private readonly client: HttpClient;
  private readonly prefix: string;

  constructor(private readonly config: NosanaConfig) {
    this.name = config.name ?? 'nosana';
    this.prefix = config.namePrefix ?? 'switchyard-';
    this.client = createNosanaClient(config);
  }

  info(): ProviderInfo {
    // Market prices move with the market; offers() reads them live.
    return apiKeyProviderInfo(this.name, this.kind, this.config.apiKey, 'no Nosana API key configured');
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    // Markets have no region, so a job that asks for regions cannot be placed here.
    if (query.regions && query.regions.length > 0) return [];
    const markets = await this.client.call<NosanaMarket[]>('GET', '/api/markets/', undefined, { auth: false });
    const types = this.config.marketTypes ?? ['PREMIUM', 'COMMUNITY', 'OTHER'];
    const out: Offer[] = [];
    for (const m of Array.isArray(markets) ? markets : []) {
      const model = requestedModelFor(query.gpu.models, m);
      const nodePrice = nodePricePerHourUsd(m);
      const count = gpuCountOf(m);
      if (!model || nodePrice === undefined || !types.includes(m.type ?? '')) continue;
      const perGpu = Math.round((nodePrice / count) * 10_000) / 10_000;
      const vramGb = m.lowest_vram ?? 0;
      if (count !== query.gpu.count || perGpu > query.maxPricePerGpuHourUsd) continue;
      if (query.gpu.minVramGb && vramGb < query.gpu.minVramGb) continue;
      out.push({
        provider: this.name,
        offerId: m.address,
        gpuModel: model,
        gpuCount: count,
        vramGb,
        pricePerGpuHourUsd: perGpu,
        expectedStartSeconds: this.config.expectedStartSeconds ?? 180,
      });
    }
    return out.sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    if (request.maxPricePerGpuHourUsd !== undefined && request.offer.pricePerGpuHourUsd > request.maxPricePerGpuHourUsd) {
      throw new ProviderError('permanent', `nosana market ${request.offer.offerId} is over the price ceiling`);
    }
    const name = `${this.prefix}${request.attemptId}`;
    // Idempotency: Nosana takes no client token and does not make names unique, so an
    // earlier launch of this attempt is looked up by name first. One created but never
    // started (start failed) is started now. (Two launches racing in the same instant
    // could both miss; the reconciler's sweep stops the loser.)
    const existing = await this.findByName(name);
    if (existing) {
      if (existing.status === 'DRAFT') await this.start(existing.id);
      return { providerRef: existing.id };
    }
    let created: NosanaDeployment;
    try {
      created = await this.client.call<NosanaDeployment>(
        'POST',
        '/api/deployments/create',
        buildCreateBody(request, name, this.config.minTimeoutMinutes ?? 60),
      );
    } catch (err) {
      // A 404 here is the market, not a deployment: it is gone.
      if (err instanceof ProviderError && err.kind === 'unknown-job') throw new ProviderError('capacity', err.message);
      throw err;
    }
    await this.start(created.id);
    return { providerRef: created.id };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const dep = await this.resolve(ref);
    if (!dep) throw new ProviderError('unknown-job', `nosana has no deployment for attempt ${ref.attemptId}`);
    const job = await latestJob(this.client, dep.id);
    const finished = job && ['COMPLETED', 'STOPPED'].includes(jobStateOf(job.state));
    const detail = finished ? await jobDetail(this.client, dep.id, job.job) : undefined;
    return mapNosanaStatus(dep, job, detail);
  }

  async cancel(ref: AttemptRef): Promise<void> {
    let dep: NosanaDeployment | undefined;
    try {
      dep = await this.resolve(ref);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return;
      throw err;
    }
    if (!dep || GONE.has(dep.status)) return; // never launched, or already stopped
    if (dep.status === 'DRAFT') return this.post(dep.id, 'archive'); // never started: tidy it away
    if (dep.status === 'STARTING') {
      // The service refuses stop until the deployment is RUNNING; ask to be called again.
      throw new ProviderError('transient', `nosana deployment ${dep.id} is STARTING; stop is refused until RUNNING`,
        this.config.cancelRetrySeconds ?? 5);
    }
    await this.post(dep.id, 'stop');
  }

  /** Deployments named by Switchyard that are not stopped, for the reconciler's sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    return (await listDeployments(this.client, this.config.pageSize))
      .filter((d) => d.name.startsWith(this.prefix) && !GONE.has(d.status))
      .map((d) => ({ attemptId: d.name.slice(this.prefix.length), providerRef: d.id }));
  }

  private start(id: string): Promise<void> {
    return this.post(id, 'start');
  }

  /** start/stop/archive. A 500 may be "incorrect state" after a race: re-read and decide. */
  private async post(id: string, action: 'start' | 'stop' | 'archive'): Promise<void> {
    try {
      await this.client.call('POST', `/api/deployments/${encodeURIComponent(id)}/${action}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 500) throw err;
      const now = await getDeployment(this.client, id);
      const done = action === 'start' ? !['DRAFT', 'STOPPED', 'ERROR', 'INSUFFICIENT_FUNDS'].includes(now.status) : GONE.has(now.status);
      if (!done) throw err;
    }
  }

  private async resolve(ref: AttemptRef): Promise<NosanaDeployment | undefined> {
    if (ref.providerRef) return getDeployment(this.client, ref.providerRef);
    return this.findByName(`${this.prefix}${ref.attemptId}`);
  }

  /** The newest non-archived deployment with this name. */
  private async findByName(name: string): Promise<NosanaDeployment | undefined> {
    return (await listDeployments(this.client, this.config.pageSize))
      .filter((d) => d.name === name && d.status !== 'ARCHIVED')
      .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
  }
}

export const createNosanaProvider = (config: NosanaConfig): NosanaProvider => new NosanaProvider(config);
