// Provider reliability, learned from recorded attempts: P(success) per provider and GPU
// model, the expected start delay, and a circuit breaker per provider. Pure functions
// over a plain record; the ProviderStatsStore port persists the record and guarantees
// each attempt is counted once.
import type { ProviderKind } from './provider.js';
import { DEFAULT_HAZARD_CONFIG, timeDecay, withHostOutcome, type HazardConfig, type HostStats } from './reliability-hazard.js';

/**
 * How an attempt ended, from the provider's point of view. A workload that failed or ran
 * out of time still got a working machine, so it counts for the provider ("delivered");
 * a customer's cancellation says nothing about the provider and is not recorded at all.
 */
export type AttemptOutcomeKind = 'delivered' | 'refused' | 'lost' | 'start-missed' | 'provider-error';

export const isProviderFault = (kind: AttemptOutcomeKind): boolean => kind !== 'delivered';

export interface AttemptOutcome {
  /** The attempt id: the idempotency key, so a retried record never counts twice. */
  attemptId: string;
  provider: string;
  gpuModel: string;
  kind: AttemptOutcomeKind;
  /** Seconds from launch to running, when the attempt got that far. */
  startSeconds?: number;
  /** Seconds the machine ran (running → end), when it got that far: the exposure for the loss rate. */
  runSeconds?: number;
  /** The machine the offer named (Offer.hostId), for per-host loss rates. */
  hostId?: string;
  at: string;
}

export interface ModelStats {
  /** Exponentially decayed counts: recent attempts weigh more than old ones. */
  successes: number;
  failures: number;
  /** The decayed part of `failures` where the machine was lost mid-run: the only failures that waste billed time. */
  lost?: number;
  /** EWMA of launch-to-running seconds; undefined until an attempt has started. */
  startSecondsEwma?: number;
  startSamples: number;
  /** Decayed running hours of attempts that started: losses ÷ runHours is the loss rate per running hour. */
  runHours?: number;
  /** The decayed part of `failures` that hung until the start deadline (billed where billing starts at launch). */
  missed?: number;
  /** When these counts were last updated: they also fade by time (reliability-hazard.ts). */
  at?: string;
}

export interface ProviderStatsRecord {
  provider: string;
  models: Record<string, ModelStats>;
  /** Provider faults in a row, across models; reset by any delivered attempt. */
  consecutiveFailures: number;
  /** While set and in the future the breaker is open: the provider is out of rotation. */
  openUntil?: string;
  /** How many times the breaker has opened in a row; doubles the cool-down each time. */
  trips: number;
  /** The one attempt allowed through a half-open breaker, and until when it holds that right. */
  probe?: { attemptId: string; until: string };
  /** Per-machine losses, for networks whose offers name the machine (Vast.ai). */
  hosts?: Record<string, HostStats>;
  /** Launch-to-running seconds of the latest starts, newest last (./pending-start.ts learns the start deadline from them). */
  recentStarts?: number[];
  updatedAt: string;
}

export interface ReliabilityConfig {
  /** Beta prior: P(success) before any attempt, and how many attempts it is worth. */
  priorSuccess: Record<ProviderKind, number>;
  priorWeight: number;
  /** Each new attempt multiplies the older counts by this: ~1/(1-decay) attempts of memory. */
  decay: number;
  /** Weight of the newest start-delay sample in the EWMA. */
  startAlpha: number;
  /** Consecutive provider faults that open the breaker. */
  breakerThreshold: number;
  breakerCooldownSeconds: number;
  breakerMaxCooldownSeconds: number;
  /** How long a half-open probe may take before another attempt may probe instead. */
  probeTimeoutSeconds: number;
  /** Loss rate per running hour and P(start): priors and forgetting by time. */
  hazard?: HazardConfig;
}

export const DEFAULT_RELIABILITY_CONFIG: ReliabilityConfig = {
  // Clouds rarely lose a machine; decentralized networks are assumed decent until shown otherwise.
  priorSuccess: { cloud: 0.97, decentralized: 0.85, local: 0.95 },
  priorWeight: 10,
  decay: 0.97,
  startAlpha: 0.2,
  breakerThreshold: 5,
  breakerCooldownSeconds: 600,
  breakerMaxCooldownSeconds: 4 * 3600,
  probeTimeoutSeconds: 900,
  hazard: DEFAULT_HAZARD_CONFIG,
};

export const emptyStats = (provider: string, at: string): ProviderStatsRecord => ({
  provider,
  models: {},
  consecutiveFailures: 0,
  trips: 0,
  updatedAt: at,
});

const MIN_P = 0.02;
/** Starts kept per provider for the learned start deadline. */
export const RECENT_STARTS_KEPT = 40;

/** Posterior mean of P(success) for a provider's GPU model: Beta prior plus decayed counts. */
export const successProbability = (
  stats: ProviderStatsRecord | undefined,
  gpuModel: string,
  kind: ProviderKind,
  config: ReliabilityConfig = DEFAULT_RELIABILITY_CONFIG,
): number => {
  const prior = config.priorSuccess[kind];
  const m = stats?.models[modelKey(gpuModel)];
  const a = prior * config.priorWeight + (m?.successes ?? 0);
  const b = (1 - prior) * config.priorWeight + (m?.failures ?? 0);
  return Math.max(MIN_P, a / (a + b));
};

/** Prior share of a provider's failures that lose a machine mid-run (vs. refusals and stuck starts). */
const LOST_SHARE_PRIOR = 0.4;
const LOST_SHARE_PRIOR_WEIGHT = 2;

/**
 * P(a try is lost mid-run): the failure probability times the share of failures that were
 * losses. Refusals and stuck starts cost time, not money; a loss costs the run so far.
 */
export const lostProbability = (
  stats: ProviderStatsRecord | undefined,
  gpuModel: string,
  kind: ProviderKind,
  config: ReliabilityConfig = DEFAULT_RELIABILITY_CONFIG,
): number => {
  const m = stats?.models[modelKey(gpuModel)];
  const share = (LOST_SHARE_PRIOR * LOST_SHARE_PRIOR_WEIGHT + (m?.lost ?? 0)) / (LOST_SHARE_PRIOR_WEIGHT + (m?.failures ?? 0));
  return (1 - successProbability(stats, gpuModel, kind, config)) * share;
};

/**
 * Expected launch-to-running seconds: the provider's own estimate, pulled toward what we
 * measured as samples accumulate (three samples weigh as much as the provider's word).
 */
export const expectedStartSeconds = (stats: ProviderStatsRecord | undefined, gpuModel: string, advertised: number): number => {
  const m = stats?.models[modelKey(gpuModel)];
  if (!m || m.startSecondsEwma === undefined || m.startSamples === 0) return advertised;
  const w = m.startSamples / (m.startSamples + 3);
  return w * m.startSecondsEwma + (1 - w) * advertised;
};

export type BreakerState = 'closed' | 'open' | 'half-open';

export const breakerState = (stats: ProviderStatsRecord | undefined, now: Date): BreakerState => {
  if (!stats?.openUntil) return 'closed';
  return Date.parse(stats.openUntil) > now.getTime() ? 'open' : 'half-open';
};

/** Whether an attempt may go to a half-open provider now: no other probe holds the right. */
export const probeAvailable = (stats: ProviderStatsRecord, attemptId: string, now: Date): boolean =>
  !stats.probe || stats.probe.attemptId === attemptId || Date.parse(stats.probe.until) <= now.getTime();

export const withProbe = (stats: ProviderStatsRecord, attemptId: string, now: Date, config = DEFAULT_RELIABILITY_CONFIG): ProviderStatsRecord => ({
  ...structuredClone(stats),
  probe: { attemptId, until: new Date(now.getTime() + config.probeTimeoutSeconds * 1000).toISOString() },
});

const modelKey = (gpuModel: string): string => gpuModel.toUpperCase().replace(/[\s_]/g, '-');

/**
 * A machine of this provider is running: the outage is over, so the fast state (the breaker,
 * its streak and trips) clears now rather than when the run ends. The chronic rates are not
 * touched: the run is counted once, at its end. Undefined when there is nothing to clear.
 */
export const withBreakerCleared = (stats: ProviderStatsRecord | undefined, at: string): ProviderStatsRecord | undefined => {
  if (!stats || (stats.consecutiveFailures === 0 && stats.openUntil === undefined && stats.probe === undefined && stats.trips === 0)) return undefined;
  const next = structuredClone(stats);
  next.consecutiveFailures = 0;
  next.trips = 0;
  delete next.openUntil;
  delete next.probe;
  next.updatedAt = at;
  return next;
};

/** The record after one attempt's outcome. Pure: the store decides whether it was already counted. */
export const applyOutcome = (
  current: ProviderStatsRecord | undefined,
  outcome: AttemptOutcome,
  config: ReliabilityConfig = DEFAULT_RELIABILITY_CONFIG,
): ProviderStatsRecord => {
  const next = current ? structuredClone(current) : emptyStats(outcome.provider, outcome.at);
  const key = modelKey(outcome.gpuModel);
  const m: ModelStats = next.models[key] ?? { successes: 0, failures: 0, startSamples: 0 };
  const hazard = config.hazard ?? DEFAULT_HAZARD_CONFIG;
  // Old news fades by the time since the last count and by the attempts since.
  const seconds = m.at ? (Date.parse(outcome.at) - Date.parse(m.at)) / 1000 : 0;
  const fade = config.decay * timeDecay(seconds, hazard);
  m.successes *= fade;
  m.failures *= fade;
  m.lost = (m.lost ?? 0) * fade;
  m.missed = (m.missed ?? 0) * fade;
  m.runHours = (m.runHours ?? 0) * fade;
  if (!m.at || seconds >= 0) m.at = outcome.at;
  const fault = isProviderFault(outcome.kind);
  if (fault) m.failures += 1;
  else m.successes += 1;
  if (outcome.kind === 'lost') m.lost += 1;
  if (outcome.kind === 'start-missed') m.missed += 1;
  const ranHours = outcome.runSeconds !== undefined && Number.isFinite(outcome.runSeconds) && outcome.runSeconds > 0 ? outcome.runSeconds / 3600 : 0;
  m.runHours += ranHours;
  if (outcome.hostId !== undefined && (outcome.kind === 'lost' || outcome.kind === 'delivered')) {
    next.hosts = withHostOutcome(next.hosts, outcome.hostId, outcome.kind === 'lost', ranHours, outcome.at, hazard);
  }
  if (outcome.startSeconds !== undefined && Number.isFinite(outcome.startSeconds) && outcome.startSeconds >= 0) {
    m.startSecondsEwma =
      m.startSecondsEwma === undefined ? outcome.startSeconds : config.startAlpha * outcome.startSeconds + (1 - config.startAlpha) * m.startSecondsEwma;
    m.startSamples += 1;
    next.recentStarts = [...(next.recentStarts ?? []), Math.round(outcome.startSeconds * 10) / 10].slice(-RECENT_STARTS_KEPT);
  }
  next.models[key] = m;
  next.updatedAt = outcome.at;

  const now = Date.parse(outcome.at);
  const wasProbe = next.probe?.attemptId === outcome.attemptId;
  if (!fault) {
    next.consecutiveFailures = 0;
    next.trips = 0;
    delete next.openUntil;
    delete next.probe;
    return next;
  }
  next.consecutiveFailures += 1;
  const halfOpen = next.openUntil !== undefined && Date.parse(next.openUntil) <= now;
  // Open when the streak reaches the threshold, and again at once when a half-open probe fails.
  if (next.consecutiveFailures >= config.breakerThreshold && (next.openUntil === undefined || halfOpen || wasProbe)) {
    const cooldown = Math.min(config.breakerMaxCooldownSeconds, config.breakerCooldownSeconds * 2 ** next.trips);
    next.openUntil = new Date(now + cooldown * 1000).toISOString();
    next.trips += 1;
    delete next.probe;
  }
  return next;
};
