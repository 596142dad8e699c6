// The GPU catalogue: what each network offers now, read from its live offers (every
// Switchyard model, one GPU and eight), grouped by model with the price range per
// GPU-hour. Cached for a TTL so a busy listing does not become a stream of provider
// calls; a provider that fails or hangs is reported as such in its own entry and never
// fails the whole catalogue. Disabled and explicit-only providers (the local runner) are
// listed from their static catalog, without a query.
import type { Clock } from './ports.js';
import { canonicalGpuModel, CANONICAL_GPU_MODELS, familiesOf } from './gpu-models.js';
import type { Offer, Provider, ProviderRegistry } from './provider.js';

export interface CatalogueGpu {
  model: string;
  /** The smallest VRAM among the offers: what a job asking for this model gets at least. */
  vramGb: number;
  minPricePerGpuHourUsd: number;
  maxPricePerGpuHourUsd: number;
  /** Offers seen for it (0 for a static catalog entry). */
  offers: number;
  /** GPUs per machine the offers came in, among those queried (1 and 8). */
  gpuCounts: number[];
  regions?: string[];
}

export interface ProviderCatalogue {
  provider: string;
  /** live: from offers now; catalog: the provider's static list (disabled, explicit-only, or its offers failed). */
  source: 'live' | 'catalog';
  fetchedAt: string;
  gpus: CatalogueGpu[];
  /** The model names a job may ask for here: the models, plus families that cover them. */
  models: string[];
  /** Why the live offers are missing, when they are. */
  error?: string;
}

export interface GpuCatalogueOptions {
  ttlSeconds?: number;
  /** A provider that has not answered in this long is reported as failing. */
  timeoutMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The GPU counts the catalogue asks for: single GPUs, and the 8-GPU machines io.net and big markets sell. */
const COUNTS = [1, 8];
/** The highest ceiling a job may set (LIMITS.maxPricePerGpuHourUsd): every offer a job could get. */
const ANY_PRICE = 1000;

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref?.();
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });

export const groupOffers = (offers: Offer[]): CatalogueGpu[] => {
  const byModel = new Map<string, CatalogueGpu>();
  for (const o of offers) {
    const model = canonicalGpuModel(o.gpuModel) ?? o.gpuModel;
    const g = byModel.get(model);
    const perGpu = o.pricePerGpuHourUsd;
    if (!g) {
      byModel.set(model, { model, vramGb: o.vramGb, minPricePerGpuHourUsd: perGpu, maxPricePerGpuHourUsd: perGpu, offers: 1, gpuCounts: [o.gpuCount], ...(o.region ? { regions: [o.region] } : {}) });
      continue;
    }
    g.vramGb = Math.min(g.vramGb, o.vramGb);
    g.minPricePerGpuHourUsd = Math.min(g.minPricePerGpuHourUsd, perGpu);
    g.maxPricePerGpuHourUsd = Math.max(g.maxPricePerGpuHourUsd, perGpu);
    g.offers++;
    if (!g.gpuCounts.includes(o.gpuCount)) g.gpuCounts.push(o.gpuCount);
    if (o.region && !(g.regions ??= []).includes(o.region)) g.regions.push(o.region);
  }
  for (const g of byModel.values()) {
    g.gpuCounts.sort((a, b) => a - b);
    g.regions?.sort();
  }
  return [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model));
};

const staticGpus = (provider: Provider): CatalogueGpu[] =>
  provider.info().catalog.map((e) => ({
    model: canonicalGpuModel(e.gpuModel) ?? e.gpuModel,
    vramGb: e.vramGb,
    minPricePerGpuHourUsd: e.pricePerGpuHourUsd,
    maxPricePerGpuHourUsd: e.pricePerGpuHourUsd,
    offers: 0,
    gpuCounts: [],
    ...(e.regions ? { regions: [...e.regions] } : {}),
  }));

const entry = (provider: string, source: ProviderCatalogue['source'], at: Date, gpus: CatalogueGpu[], error?: string): ProviderCatalogue => {
  const names = [...new Set(gpus.map((g) => g.model))];
  return { provider, source, fetchedAt: at.toISOString(), gpus, models: [...names, ...familiesOf(names)].sort(), ...(error ? { error } : {}) };
};

/** One provider's catalogue entry, read now. Never throws. */
export const readProviderCatalogue = async (provider: Provider, now: Date, timeoutMs: number): Promise<ProviderCatalogue> => {
  const info = provider.info();
  if (!info.enabled || provider.explicitOnly) return entry(provider.name, 'catalog', now, staticGpus(provider));
  const results = await Promise.allSettled(
    COUNTS.map((count) =>
      withTimeout(provider.offers({ gpu: { models: [...CANONICAL_GPU_MODELS], count }, maxPricePerGpuHourUsd: ANY_PRICE }), timeoutMs, `${provider.name} offers`),
    ),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
  if (failures.length === results.length) {
    return entry(provider.name, 'catalog', now, staticGpus(provider), `live offers unavailable: ${failures[0]!.slice(0, 200)}`);
  }
  const offers = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.filter((o) => o.provider === provider.name) : []));
  return entry(provider.name, 'live', now, groupOffers(offers), failures.length > 0 ? `some offers unavailable: ${failures[0]!.slice(0, 200)}` : undefined);
};

export class GpuCatalogue {
  private cached?: { at: number; entries: ProviderCatalogue[] };
  private inFlight?: Promise<ProviderCatalogue[]>;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly clock: Clock,
    private readonly options: GpuCatalogueOptions = {},
  ) {}

  /** Every provider's entry, from the cache while it is fresh; concurrent callers share one read. */
  async entries(): Promise<ProviderCatalogue[]> {
    const now = this.clock.now().getTime();
    const ttl = (this.options.ttlSeconds ?? 60) * 1000;
    if (this.cached && now - this.cached.at < ttl) return this.cached.entries;
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async read(): Promise<ProviderCatalogue[]> {
    const now = this.clock.now();
    const entries = await Promise.all(this.providers.all().map((p) => readProviderCatalogue(p, now, this.options.timeoutMs ?? 5000)));
    for (const e of entries) if (e.error) this.options.log?.('gpu catalogue: provider answered with an error', { provider: e.provider, error: e.error });
    this.cached = { at: now.getTime(), entries };
    return entries;
  }
}
