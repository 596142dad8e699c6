// Nosana adapter over the API-key Deployments API, per ../shared/provider-specs/nosana/FACTS.md
// (Nosana publishes its OpenAPI only live; FACTS restates the deployment manager's source,
// nosana-ci/nosana-deployment-manager @ afe5852). Operations used, each a FACTS Endpoints row:
//   GET  /markets/                       offers (public; price = usd_reward_per_hour × (1 + fee %))
//   POST /deployments/create             launch: SIMPLE strategy, one replica, name
//                                        `switchyard-<attemptId>` (the ownership mark), DRAFT
//   POST /deployments/{id}/start         from DRAFT|STOPPED|ERROR|INSUFFICIENT_FUNDS only
//   POST /deployments/{id}/stop          from RUNNING|ERROR|INSUFFICIENT_FUNDS only
//   POST /deployments/{id}/archive       from STOPPED only (the tidy-up after a stop)
//   GET  /deployments?name=&status=&limit=&cursor=   cursor-paged list (listOwned, lookups by name)
//   GET  /deployments/{id}, …/{id}/jobs, …/{id}/jobs/{job}   status; the exit code is
//                                        jobResult.opStates[].exitCode of the job by id
// Base URL and error classes: client.ts. Wrong-state answers are 500 (FACTS); this adapter
// never sends a call the deployment's state forbids, and when a race makes one fail it
// re-reads once instead of retrying (no loop on the 500).
// Cancel: stop first, archive once STOPPED. A DRAFT (created, never started) can be neither
// stopped, archived nor deleted (FACTS: start/stop/archive/delete rows); it lists no job and
// holds no node, so cancel leaves it and status() reports it as never started (lost).
// Ownership: status() checks that the deployment carries this attempt's name; another name
// is a lost machine, never success.
// Inferred, not in FACTS: lost vs. timed out vs. failed from job state and result
// (status.ts); the GPU count of multi-GPU markets (markets.ts); that the `name` filter may
// match more than the exact name (the adapter compares names itself).
// Private images: refused. FACTS.md describes the create body (`job_definition` as a
// JobDefinition) but no registry-login field inside it, and no other operation takes one;
// rather than invent a shape (or drop the login and let the pull fail on a host), a launch
// with imageCredentials is refused as permanent, naming the reason.
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
import { imageCredentialsRefused } from '../shared/registry-login.js';
import { createNosanaClient } from './client.js';
import { buildCreateBody, getDeployment, jobDetail, latestJob, listDeployments, postAction, type PageSize } from './deployments.js';
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
  pageSize?: PageSize;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Deployments that may hold a node or list a job: what the orphan sweep must stop. */
const LIVE = ['STARTING', 'RUNNING', 'ERROR', 'INSUFFICIENT_FUNDS'];
/** The states `stop` is allowed from (FACTS: POST /deployments/{id}/stop). */
const STOPPABLE = new Set(['RUNNING', 'ERROR', 'INSUFFICIENT_FUNDS']);

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

  /** Markets fill and empty as nodes join and take jobs; they have no region (see offers). */
  mayOfferLater(query: Pick<OfferQuery, 'regions'>): boolean {
    return !query.regions || query.regions.length === 0;
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    // Markets have no region, so a job that asks for regions cannot be placed here.
    if (query.regions && query.regions.length > 0) return [];
    const markets = await this.client.call<NosanaMarket[]>('GET', '/markets/', undefined, { auth: false });
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
    // nosana/FACTS.md is silent on any registry-login field (see the header): refuse, never drop the login.
    if (request.imageCredentials) {
      throw imageCredentialsRefused(this.name, 'the Nosana deployment contract (nosana/FACTS.md) documents no registry-login field in the job definition');
    }
    if (request.maxPricePerGpuHourUsd !== undefined && request.offer.pricePerGpuHourUsd > request.maxPricePerGpuHourUsd) {
      throw new ProviderError('permanent', `nosana market ${request.offer.offerId} is over the price ceiling`);
    }
    const name = this.nameOf(request.attemptId);
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
        '/deployments/create',
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
    if (!this.owns(dep, ref)) {
      return { state: 'lost', providerFault: true, message: `deployment ${dep.id} is named ${dep.name}, not ${this.nameOf(ref.attemptId)}: not this attempt's` };
    }
    const job = await latestJob(this.client, dep.id);
    const finished = job && ['COMPLETED', 'STOPPED'].includes(jobStateOf(job.state));
    const detail = finished ? await jobDetail(this.client, dep.id, job.job) : undefined;
    return mapNosanaStatus(dep, job, detail);
  }

  /** Stop first, archive once STOPPED; idempotent, and never a call the state forbids. */
  async cancel(ref: AttemptRef): Promise<void> {
    let dep: NosanaDeployment | undefined;
    try {
      dep = await this.resolve(ref);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unknown-job') return;
      throw err;
    }
    if (!dep || !this.owns(dep, ref)) return; // never launched, or someone else's
    if (dep.status === 'STARTING') {
      // Stop is refused until the deployment is RUNNING; ask to be called again.
      throw new ProviderError('transient', `nosana deployment ${dep.id} is STARTING; stop is refused until RUNNING`,
        this.config.cancelRetrySeconds ?? 5);
    }
    if (STOPPABLE.has(dep.status)) dep = await this.act(dep, 'stop', ['STOPPING', 'STOPPED', 'ARCHIVED']);
    if (dep.status === 'STOPPED') await this.act(dep, 'archive', ['ARCHIVED']);
    // DRAFT (never started), STOPPING (stop under way) and ARCHIVED need nothing more.
  }

  /** Deployments named by Switchyard that may still hold a node, for the reconciler's sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    return (await listDeployments(this.client, { statuses: LIVE }, this.config.pageSize))
      .filter((d) => d.name.startsWith(this.prefix) && LIVE.includes(d.status))
      .map((d) => ({ attemptId: d.name.slice(this.prefix.length), providerRef: d.id }));
  }

  private nameOf(attemptId: string): string {
    return `${this.prefix}${attemptId}`;
  }

  private owns(dep: NosanaDeployment, ref: AttemptRef): boolean {
    return dep.name === this.nameOf(ref.attemptId);
  }

  private async start(id: string): Promise<void> {
    try {
      await postAction(this.client, id, 'start');
    } catch (err) {
      // A 500 wrong-state answer after a race: started by the other caller is fine.
      if (!(err instanceof HttpError) || err.status !== 500) throw err;
      const now = await getDeployment(this.client, id);
      if (['DRAFT', 'STOPPED', 'ERROR', 'INSUFFICIENT_FUNDS'].includes(now.status)) throw err;
    }
  }

  /**
   * One state change. On a 500 (wrong state: a race with the manager or another caller)
   * the deployment is read once; reaching one of `done` counts as success, anything else
   * is the (permanent) error. The deployment as it now stands is returned.
   */
  private async act(dep: NosanaDeployment, action: 'stop' | 'archive', done: string[]): Promise<NosanaDeployment> {
    try {
      const res = (await postAction(this.client, dep.id, action)) as { status?: string } | undefined;
      return { ...dep, status: res?.status ?? done[0]! };
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 500) throw err;
      const now = await getDeployment(this.client, dep.id);
      if (!done.includes(now.status)) throw err;
      return now;
    }
  }

  private async resolve(ref: AttemptRef): Promise<NosanaDeployment | undefined> {
    if (ref.providerRef) return getDeployment(this.client, ref.providerRef);
    return this.findByName(this.nameOf(ref.attemptId));
  }

  /** The newest non-archived deployment with this name. */
  private async findByName(name: string): Promise<NosanaDeployment | undefined> {
    return (await listDeployments(this.client, { name }, this.config.pageSize))
      .filter((d) => d.name === name && d.status !== 'ARCHIVED')
      .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
  }
}

export const createNosanaProvider = (config: NosanaConfig): NosanaProvider => new NosanaProvider(config);
