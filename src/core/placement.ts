// Placement: gather offers from every eligible provider, keep those that satisfy the
// job's constraints, and rank them by the expected cost of a *finished* job (docs/placement.md).
// Clouds take part only when fallback is "cloud", and then on the same expected cost.
// Providers whose circuit breaker is open are left out for their cool-down.
import type { JobSpec } from './job.js';
import { DEFAULT_BILLING, ProviderError, type BillingTerms, type Offer, type Provider, type ProviderKind } from './provider.js';
import { cheapOfferLikelyKeepsSchedule, finishesInTime, isReliableOffer, scheduleText, type Schedule } from './deadline.js';
import { explore, type ExplorationConfig } from './exploration.js';
import { offerHazard } from './reliability-hazard.js';
import { learnedStartDeadlineSeconds } from './start-deadline.js';
import { DEFAULT_RELIABILITY_CONFIG, breakerState, expectedStartSeconds, type ProviderStatsRecord, type ReliabilityConfig } from './reliability.js';

export interface RankedOffers {
  offers: Offer[];
  /** Why providers were left out, for the job's timeline when nothing fits. */
  notes: string[];
  /** Providers whose breaker is half-open: an attempt there must first claim the probe. */
  halfOpen: string[];
  /** Why the order is not plain expected cost (a deadline, an exploration), for the placement event. */
  why?: string;
  /** Eligible providers with no fitting offer now, or whose offer listing failed other than for good (./capacity-wait.ts judges whether to wait). */
  unplaced?: { provider: string; listingFailed: boolean }[];
}

/** What placement knows about providers' history; empty means "priors only". */
export interface PlacementContext {
  stats?: ReadonlyMap<string, ProviderStatsRecord>;
  /** Offers already tried for this job (offerKey), never offered again. */
  excludeOffers?: ReadonlySet<string>;
  now?: Date;
  reliability?: ReliabilityConfig;
  /** The reconciler's start deadline: how long a launch that never starts is held (and billed, where billing starts at launch). */
  startDeadlineSeconds?: number;
  /** The job's deadline and progress, for Uniform Progress (./deadline.ts); none without a deadline. */
  schedule?: Schedule;
  /** The attempt id about to be placed: picks the exploring share of placements deterministically (./exploration.ts). */
  explorationKey?: string;
  /** The exploring share and its limits; DEFAULT_EXPLORATION when unset. */
  exploration?: ExplorationConfig;
}

/** One provider's answer to an offer query, as rankGathered takes it. */
export interface ProviderOffers {
  provider: string;
  kind: ProviderKind;
  offers: Offer[];
  /** The provider's billing terms (Provider.billing); DEFAULT_BILLING when left out. */
  billing?: BillingTerms;
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
  /** P(one launch here ends in a finished job): it starts, and is not lost before the end. */
  pSuccess: number;
  startSeconds: number;
  lossPerHour: number;
  /** Expected money to a finished job here, billed waiting and lost runs included. */
  usd: number;
  /** Lower is better; units depend on the strategy (dollars, or hours for "fastest"). */
  score: number;
}

/** What the expected cost of a finished job is computed from; the bench's informed baseline fills it with the truth. */
export interface CostInputs {
  pricePerGpuHourUsd: number;
  gpus: number;
  runSeconds: number;
  /** The job's checkpoint interval: a loss costs the time since the last one plus a restore. */
  checkpointEverySeconds?: number;
  restoreSeconds: number;
  lossPerHour: number;
  pStart: number;
  missShare: number;
  startSeconds: number;
  startDeadlineSeconds: number;
  billing: BillingTerms;
}

export interface CostEstimate {
  usd: number;
  billedSeconds: number;
  waitSeconds: number;
  /** Billed running seconds, re-runs of lost work and restores included. */
  runningSeconds: number;
  expectedLosses: number;
}

/** Seconds a refused launch costs before the next try (the provider answers at once). */
const REFUSAL_SECONDS = 10;
/** ASSUMPTION: seconds to pull the image and restore a checkpoint on a new machine. */
export const RESTORE_SECONDS = 300;
export const START_DEADLINE_SECONDS = 600;

/**
 * Expected cost of a finished job on one offer. A started machine is lost at λ per running
 * hour. Without a checkpoint the run must go through in one piece: e^{λT} machines start,
 * billing (e^{λT} − 1)/λ running time in all. With a checkpoint every c seconds the run is
 * T/c pieces, each re-run from its own start: (T/c)(e^{λc} − 1)/λ, plus a restore per loss.
 * Each machine first needs 1/P(start) launches; where billing starts at launch, its wait
 * for a start, and a launch that hangs until the start deadline, are billed too. Billed
 * time is rounded up to the provider's unit (half a unit per machine on average).
 */
export const expectedFinishCost = (c: CostInputs): CostEstimate => {
  const T = Math.max(1, c.runSeconds);
  const piece = c.checkpointEverySeconds && c.checkpointEverySeconds > 0 ? Math.min(T, c.checkpointEverySeconds) : T;
  const pieces = T / piece;
  const rate = Math.max(0, c.lossPerHour) / 3600;
  const grow = Math.expm1(Math.min(50, rate * piece));
  const expectedLosses = pieces * grow;
  const rerun = rate > 0 ? (pieces * grow) / rate : T;
  const restores = piece < T ? expectedLosses * c.restoreSeconds : 0;
  const machines = 1 + expectedLosses;
  const p = Math.min(1, Math.max(0.02, c.pStart));
  const failedLaunches = (1 - p) / p;
  const hungSeconds = failedLaunches * c.missShare * c.startDeadlineSeconds;
  const waitSeconds = machines * (c.startSeconds + hungSeconds + failedLaunches * (1 - c.missShare) * REFUSAL_SECONDS);
  const billedWait = c.billing.startsAt === 'launch' ? machines * (c.startSeconds + hungSeconds) : 0;
  const rounding = c.billing.unitSeconds > 1 ? (machines * c.billing.unitSeconds) / 2 : 0;
  const runningSeconds = rerun + restores;
  const billedSeconds = runningSeconds + billedWait + rounding;
  return { usd: (c.pricePerGpuHourUsd * c.gpus * billedSeconds) / 3600, billedSeconds, waitSeconds, runningSeconds, expectedLosses };
};

/** Rank by strategy: "cheapest" by money (waiting only a tie-breaker), "balanced" also prices idle time, "fastest" by hours to a finished job. */
export const scoreOf = (spec: JobSpec, price: number, cost: CostEstimate): number => {
  const gpus = Math.max(1, spec.resources.gpu.count);
  const waitHours = cost.waitSeconds / 3600;
  switch (spec.placement.strategy) {
    case 'cheapest':
      return cost.usd + 0.01 * price * gpus * waitHours;
    case 'fastest':
      return waitHours + cost.runningSeconds / 3600 + cost.usd * 1e-6;
    case 'balanced':
      // Waiting costs at least $1/GPU-hour, so a cheap box that takes an hour to start is not free.
      return cost.usd + Math.max(price, 1) * gpus * waitHours;
  }
};

/** The job's checkpoint interval (JobSpec.checkpoint): a loss then costs the time since the last one. */
const checkpointEvery = (spec: JobSpec): number | undefined => {
  const every = spec.checkpoint?.everySeconds;
  return typeof every === 'number' && every > 0 ? every : undefined;
};

/**
 * Expected cost of a finished job on this offer, from the learned loss rate per running
 * hour (per host where the offer names one), P(start), the measured start delay, the
 * provider's billing terms and the job's checkpoint interval. The run is taken as the
 * job's maxDurationSeconds: the only length a job declares.
 */
export const estimateOffer = (
  offer: Offer,
  spec: JobSpec,
  kind: ProviderKind,
  ctx: PlacementContext = {},
  billing: BillingTerms = DEFAULT_BILLING,
): OfferEstimate => {
  const stats = ctx.stats?.get(offer.provider);
  const hz = offerHazard(stats, offer, kind, ctx.now ?? new Date(), ctx.reliability ?? DEFAULT_RELIABILITY_CONFIG);
  const startSeconds = expectedStartSeconds(stats, offer.gpuModel, offer.expectedStartSeconds);
  const cost = expectedFinishCost({
    pricePerGpuHourUsd: offer.pricePerGpuHourUsd,
    gpus: Math.max(1, spec.resources.gpu.count),
    runSeconds: spec.maxDurationSeconds,
    ...(checkpointEvery(spec) ? { checkpointEverySeconds: checkpointEvery(spec)! } : {}),
    restoreSeconds: RESTORE_SECONDS,
    lossPerHour: hz.lossPerHour,
    pStart: hz.pStart,
    missShare: hz.missShare,
    startSeconds,
    startDeadlineSeconds: ctx.startDeadlineSeconds ?? learnedStartDeadlineSeconds(stats, START_DEADLINE_SECONDS),
    billing,
  });
  const pSuccess = hz.pStart * Math.exp(-(hz.lossPerHour * spec.maxDurationSeconds) / 3600);
  return { pSuccess, startSeconds, lossPerHour: hz.lossPerHour, usd: cost.usd, score: scoreOf(spec, offer.pricePerGpuHourUsd, cost) };
};

interface Candidate {
  offer: Offer;
  kind: ProviderKind;
  score: number;
  startSeconds: number;
  lossPerHour: number;
  reliable: boolean;
}

/**
 * For a job with a deadline (./deadline.ts), the offers that keep it on schedule: reliable
 * ones, and cheap ones only while the slack leaves room for a restart. Falls back to what
 * finishes in time, then to everything (late beats never), saying why.
 */
const onSchedule = (all: Candidate[], s: Schedule | undefined): { kept: Candidate[]; why?: string } => {
  if (!s || all.length === 0) return { kept: all };
  const inTime = all.filter((c) => finishesInTime(s, c.startSeconds));
  const kept = inTime.filter((c) => c.reliable || cheapOfferLikelyKeepsSchedule(s, c.startSeconds, c.lossPerHour, RESTORE_SECONDS));
  if (kept.length === inTime.length && kept.length === all.length) return { kept };
  if (kept.length > 0) return { kept, ...(kept.length < inTime.length ? { why: `${scheduleText(s)}; reliable offers only` } : {}) };
  if (inTime.length > 0) return { kept: inTime, why: `${scheduleText(s)}; no reliable offer can finish in time, using the soonest` };
  return { kept: all, why: `${scheduleText(s)}; no offer can finish before the deadline` };
};

/**
 * Rank gathered offers: keep those that fit, one per provider (failover moves to another
 * provider, not another box of the same one), by score. Clouds compete on the same
 * expected cost (they only ever appear with fallback "cloud"), so a cloud wins exactly
 * when finishing there is cheaper. A deadline narrows the offers (onSchedule); a small
 * share of placements explores a provider with no recent news (./exploration.ts).
 * Pure and synchronous, so the benchmark runs this code.
 */
export const rankGathered = (gathered: ProviderOffers[], spec: JobSpec, ctx: PlacementContext = {}, notes: string[] = []): RankedOffers => {
  const now = ctx.now ?? new Date();
  const candidates: Candidate[] = [];
  const halfOpen: string[] = [];
  for (const { provider, kind, offers, billing } of gathered) {
    if (kind === 'cloud' && !isCloudAllowed(spec)) continue;
    const fitting = offers.filter((o) => o.provider === provider && offerFits(o, spec) && !ctx.excludeOffers?.has(offerKey(o)));
    if (fitting.length === 0) {
      notes.push(`${provider}: no offer fits the GPU, VRAM, region and price limits`);
      continue;
    }
    const state = breakerState(ctx.stats?.get(provider), now);
    if (state === 'open') continue;
    if (state === 'half-open') halfOpen.push(provider);
    for (const offer of fitting) {
      const e = estimateOffer(offer, spec, kind, ctx, billing ?? DEFAULT_BILLING);
      const reliable = ctx.schedule ? isReliableOffer(offer, kind, e.lossPerHour, ctx.schedule) : false;
      candidates.push({ offer, kind, score: e.score, startSeconds: e.startSeconds, lossPerHour: e.lossPerHour, reliable });
    }
  }
  const { kept, why } = onSchedule(candidates, ctx.schedule);
  const best = new Map<string, Candidate>();
  for (const c of kept) {
    const prev = best.get(c.offer.provider);
    if (!prev || c.score < prev.score) best.set(c.offer.provider, c);
  }
  const ranked = [...best.values()];
  // Ties (equal expected cost) go to the non-cloud: the product's preference, never its rule.
  ranked.sort((a, b) => a.score - b.score || (a.kind === 'cloud' ? 1 : 0) - (b.kind === 'cloud' ? 1 : 0));
  const explored = ctx.schedule ? undefined : explore(ranked, ctx);
  return { offers: ranked.map((r) => r.offer), notes, halfOpen, ...(why ? { why } : explored ? { why: explored } : {}) };
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
  const unplaced: NonNullable<RankedOffers['unplaced']> = [];
  results.forEach((r, i) => {
    const p = eligible[i]!;
    if (r.status === 'rejected') {
      notes.push(`${p.name}: offers unavailable (${(r.reason as Error)?.message ?? r.reason})`);
      // A refusal of our credentials or request will not pass by waiting; anything else may.
      const lasting = r.reason instanceof ProviderError && (r.reason.kind === 'auth' || r.reason.kind === 'permanent');
      if (!lasting) unplaced.push({ provider: p.name, listingFailed: true });
    } else {
      gathered.push({ provider: p.name, kind: p.kind, offers: r.value, billing: p.billing ?? DEFAULT_BILLING });
      if (!r.value.some((o) => o.provider === p.name && offerFits(o, spec))) unplaced.push({ provider: p.name, listingFailed: false });
    }
  });
  return { ...rankGathered(gathered, spec, ctx, notes), unplaced };
};
