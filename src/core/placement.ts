// Placement: gather offers from every eligible provider, keep those that satisfy the
// job's constraints, and rank them by the expected cost of a *finished* job. Decentralized
// (and local) capacity comes first; clouds close the chain only when fallback is "cloud".
// Providers whose circuit breaker is open are left out for their cool-down.
import type { JobSpec } from './job.js';
import type { Offer, Provider, ProviderKind } from './provider.js';
import {
  DEFAULT_RELIABILITY_CONFIG,
  breakerState,
  expectedStartSeconds,
  lostProbability,
  successProbability,
  type ProviderStatsRecord,
  type ReliabilityConfig,
} from './reliability.js';

export interface RankedOffers {
  offers: Offer[];
  /** Why providers were left out, for the job's timeline when nothing fits. */
  notes: string[];
  /** Providers whose breaker is half-open: an attempt there must first claim the probe. */
  halfOpen: string[];
}

/** What placement knows about providers' history; empty means "priors only". */
export interface PlacementContext {
  stats?: ReadonlyMap<string, ProviderStatsRecord>;
  /** Offers already tried for this job (offerKey), never offered again. */
  excludeOffers?: ReadonlySet<string>;
  now?: Date;
  reliability?: ReliabilityConfig;
}

/** One provider's answer to an offer query, as rankGathered takes it. */
export interface ProviderOffers {
  provider: string;
  kind: ProviderKind;
  offers: Offer[];
}

export const offerKey = (offer: Pick<Offer, 'provider' | 'offerId'>): string => `${offer.provider}/${offer.offerId}`;

const normalizeModel = (model: string): string => model.toUpperCase().replace(/[\s_]/g, '-');

const isCloudAllowed = (spec: JobSpec): boolean => spec.placement.fallback === 'cloud';

export const eligibleProviders = (
  providers: Provider[],
  spec: JobSpec,
  exclude: ReadonlySet<string>,
  ctx: PlacementContext = {},
  notes: string[] = [],
): Provider[] => {
  const allow = spec.placement.networks?.map((n) => n.toLowerCase());
  const now = ctx.now ?? new Date();
  return providers.filter((p) => {
    if (exclude.has(p.name) || !p.info().enabled) return false;
    if (allow && !allow.includes(p.name.toLowerCase())) return false;
    if (!allow && p.explicitOnly) return false;
    // Clouds are the fallback: never used unless the job asked for it, even when named.
    if (p.kind === 'cloud' && !isCloudAllowed(spec)) return false;
    if (breakerState(ctx.stats?.get(p.name), now) === 'open') {
      notes.push(`${p.name}: out of rotation after repeated failures (until ${ctx.stats?.get(p.name)?.openUntil})`);
      return false;
    }
    return true;
  });
};

export const offerFits = (offer: Offer, spec: JobSpec): boolean => {
  const gpu = spec.resources.gpu;
  const models = new Set(gpu.models.map(normalizeModel));
  const regions = spec.placement.regions?.map((r) => r.toLowerCase());
  return (
    (models.has(normalizeModel(offer.gpuModel)) || models.has('ANY')) &&
    offer.gpuCount >= gpu.count &&
    offer.vramGb >= (gpu.minVramGb ?? 0) &&
    offer.pricePerGpuHourUsd <= spec.maxPricePerGpuHourUsd &&
    // An offer that names no region cannot promise one the job requires.
    (regions === undefined || (offer.region !== undefined && regions.includes(offer.region.toLowerCase())))
  );
};

export interface OfferEstimate {
  pSuccess: number;
  startSeconds: number;
  /** Lower is better; units depend on the strategy (dollars, or hours for "fastest"). */
  score: number;
}

/**
 * Expected cost of a finished job on this offer. A try fails with 1 − p; only the tries
 * lost mid-run are billed (on average half the run each), since a refused launch or a
 * start that never came costs time, not money. With q = P(lost), about q/p lost tries
 * precede the one that finishes: run cost × (1 + q / 2p). Each try also waits for its
 * start, so expected waiting is start delay ÷ p, priced per strategy: "cheapest" barely
 * (a tie-breaker), "balanced" as the GPUs idling at the offer's price (at least
 * $1/GPU-hour, so a cheap box that takes an hour to start is not free), "fastest" ranks
 * by expected hours to a finished job and uses money only to break ties.
 */
export const estimateOffer = (offer: Offer, spec: JobSpec, kind: ProviderKind, ctx: PlacementContext = {}): OfferEstimate => {
  const stats = ctx.stats?.get(offer.provider);
  const pSuccess = successProbability(stats, offer.gpuModel, kind, ctx.reliability ?? DEFAULT_RELIABILITY_CONFIG);
  const startSeconds = expectedStartSeconds(stats, offer.gpuModel, offer.expectedStartSeconds);
  const gpus = Math.max(1, spec.resources.gpu.count);
  const runHours = spec.maxDurationSeconds / 3600;
  const pLost = lostProbability(stats, offer.gpuModel, kind, ctx.reliability ?? DEFAULT_RELIABILITY_CONFIG);
  const expectedRunCost = offer.pricePerGpuHourUsd * gpus * runHours * (1 + pLost / (2 * pSuccess));
  const waitHours = startSeconds / 3600 / pSuccess;
  let score: number;
  switch (spec.placement.strategy) {
    case 'cheapest':
      score = expectedRunCost + 0.01 * offer.pricePerGpuHourUsd * gpus * waitHours;
      break;
    case 'fastest':
      score = waitHours + runHours / pSuccess + expectedRunCost * 1e-6;
      break;
    case 'balanced':
      score = expectedRunCost + Math.max(offer.pricePerGpuHourUsd, 1) * gpus * waitHours;
      break;
  }
  return { pSuccess, startSeconds, score };
};

const tier = (kind: ProviderKind): number => (kind === 'cloud' ? 1 : 0);

/**
 * Rank gathered offers: keep those that fit, one per provider (failover moves to another
 * provider, not another box of the same one), non-clouds before clouds, then by score.
 * Pure and synchronous, so the benchmark runs exactly this code.
 */
export const rankGathered = (gathered: ProviderOffers[], spec: JobSpec, ctx: PlacementContext = {}, notes: string[] = []): RankedOffers => {
  const now = ctx.now ?? new Date();
  const ranked: { offer: Offer; kind: ProviderKind; score: number }[] = [];
  const halfOpen: string[] = [];
  for (const { provider, kind, offers } of gathered) {
    if (kind === 'cloud' && !isCloudAllowed(spec)) continue;
    const fitting = offers.filter((o) => o.provider === provider && offerFits(o, spec) && !ctx.excludeOffers?.has(offerKey(o)));
    if (fitting.length === 0) {
      notes.push(`${provider}: no offer fits the GPU, VRAM, region and price limits`);
      continue;
    }
    const state = breakerState(ctx.stats?.get(provider), now);
    if (state === 'open') continue;
    if (state === 'half-open') halfOpen.push(provider);
    let best: { offer: Offer; kind: ProviderKind; score: number } | undefined;
    for (const offer of fitting) {
      const { score } = estimateOffer(offer, spec, kind, ctx);
      if (!best || score < best.score) best = { offer, kind, score };
    }
    if (best) ranked.push(best);
  }
  ranked.sort((a, b) => tier(a.kind) - tier(b.kind) || a.score - b.score);
  return { offers: ranked.map((r) => r.offer), notes, halfOpen };
};

export const rankOffers = async (
  providers: Provider[],
  spec: JobSpec,
  exclude: ReadonlySet<string>,
  ctx: PlacementContext = {},
): Promise<RankedOffers> => {
  const notes: string[] = [];
  const eligible = eligibleProviders(providers, spec, exclude, ctx, notes);
  const regions = spec.placement.regions;
  const results = await Promise.allSettled(
    eligible.map((p) =>
      p.offers({
        gpu: spec.resources.gpu,
        maxPricePerGpuHourUsd: spec.maxPricePerGpuHourUsd,
        ...(regions ? { regions } : {}),
      }),
    ),
  );
  const gathered: ProviderOffers[] = [];
  results.forEach((r, i) => {
    const p = eligible[i]!;
    if (r.status === 'rejected') notes.push(`${p.name}: offers unavailable (${(r.reason as Error)?.message ?? r.reason})`);
    else gathered.push({ provider: p.name, kind: p.kind, offers: r.value });
  });
  return rankGathered(gathered, spec, ctx, notes);
};
