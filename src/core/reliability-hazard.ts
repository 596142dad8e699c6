// Losses per running hour: a machine that has started is lost at a hazard rate λ per
// running hour, learned per network and GPU model (and per host where the offer names
// one), so a long job avoids a churny network that a short one can use. Whether a launch
// starts at all is a separate per-attempt chance. Counts forget by time as well as by
// attempt, so a network nobody has used for a day drifts back to its prior.
import type { Offer, ProviderKind } from './provider.js';
import type { ModelStats, ProviderStatsRecord, ReliabilityConfig } from './reliability.js';

export interface HostStats {
  /** Decayed losses and running hours on this one machine. */
  lost: number;
  runHours: number;
  at: string;
}

export interface HazardConfig {
  /** Prior losses per running hour, and how many running hours the prior is worth. */
  priorLossPerHour: Record<ProviderKind, number>;
  priorHours: number;
  /** Prior P(a launch gets to running), and how many launches that is worth. */
  priorStart: Record<ProviderKind, number>;
  /** Counts halve every this many seconds without news (forgetting by time). */
  halfLifeSeconds: number;
  /** A host's prior is worth this many running hours against its own history. */
  hostPriorHours: number;
  /** Hosts kept per provider record (most recent first), so the item stays small. */
  maxHosts: number;
}

export const DEFAULT_HAZARD_CONFIG: HazardConfig = {
  priorLossPerHour: { cloud: 0.004, decentralized: 0.03, local: 0.01 },
  priorHours: 5,
  priorStart: { cloud: 0.97, decentralized: 0.88, local: 0.97 },
  halfLifeSeconds: 12 * 3600,
  hostPriorHours: 8,
  maxHosts: 200,
};

/** The factor old counts keep after `seconds` without news. */
export const timeDecay = (seconds: number, config: HazardConfig = DEFAULT_HAZARD_CONFIG): number =>
  seconds <= 0 ? 1 : 0.5 ** (seconds / config.halfLifeSeconds);

const ageSeconds = (at: string | undefined, now: Date): number => (at ? Math.max(0, (now.getTime() - Date.parse(at)) / 1000) : 0);

const modelKey = (gpuModel: string): string => gpuModel.toUpperCase().replace(/[\s_]/g, '-');

const modelOf = (stats: ProviderStatsRecord | undefined, gpuModel: string): ModelStats | undefined => stats?.models[modelKey(gpuModel)];

/** Seed a host's hazard from the network's own per-machine score (Vast.ai `reliability`). */
export const hostPriorLossPerHour = (hostReliability: number): number => {
  // ASSUMPTION: the score is read as the chance the machine stays up through a day of
  // running; Vast.ai does not publish its formula.
  const r = Math.min(0.9999, Math.max(0.5, hostReliability));
  return -Math.log(r) / 24;
};

export interface Hazard {
  /** Losses per running hour expected on this offer. */
  lossPerHour: number;
  /** P(a launch reaches running). */
  pStart: number;
  /** Of the launches that do not start, the share that hang until the start deadline (the rest are refused at once). */
  missShare: number;
}

/** λ and P(start) for an offer, from the record (decayed to `now`) and the priors. */
export const offerHazard = (
  stats: ProviderStatsRecord | undefined,
  offer: Pick<Offer, 'gpuModel' | 'hostId' | 'hostReliability'>,
  kind: ProviderKind,
  now: Date,
  config: Pick<ReliabilityConfig, 'hazard'> = { hazard: DEFAULT_HAZARD_CONFIG },
): Hazard => {
  const h = config.hazard ?? DEFAULT_HAZARD_CONFIG;
  const m = modelOf(stats, offer.gpuModel);
  const fade = timeDecay(ageSeconds(m?.at ?? stats?.updatedAt, now), h);
  const lost = (m?.lost ?? 0) * fade;
  const runHours = (m?.runHours ?? 0) * fade;
  const networkRate = (h.priorLossPerHour[kind] * h.priorHours + lost) / (h.priorHours + runHours);
  let lossPerHour = networkRate;
  const host = offer.hostId !== undefined ? stats?.hosts?.[offer.hostId] : undefined;
  if (offer.hostReliability !== undefined || host) {
    const prior = offer.hostReliability !== undefined ? hostPriorLossPerHour(offer.hostReliability) : networkRate;
    const hf = host ? timeDecay(ageSeconds(host.at, now), h) : 0;
    lossPerHour = (prior * h.hostPriorHours + (host?.lost ?? 0) * hf) / (h.hostPriorHours + (host?.runHours ?? 0) * hf);
  }
  // Started = delivered or lost; not started = refused, stuck or errored.
  const started = ((m?.successes ?? 0) + (m?.lost ?? 0)) * fade;
  const notStarted = Math.max(0, (m?.failures ?? 0) - (m?.lost ?? 0)) * fade;
  const w = 10;
  const pStart = Math.max(0.02, (h.priorStart[kind] * w + started) / (w + started + notStarted));
  const missed = (m?.missed ?? 0) * fade;
  const missShare = (0.3 * 2 + missed) / (2 + notStarted);
  return { lossPerHour, pStart, missShare: Math.min(1, missShare) };
};

/** The host table after one outcome on a named machine: decayed by time, newest kept. */
export const withHostOutcome = (
  hosts: Record<string, HostStats> | undefined,
  hostId: string,
  lost: boolean,
  runHours: number,
  at: string,
  config: HazardConfig = DEFAULT_HAZARD_CONFIG,
): Record<string, HostStats> => {
  const now = new Date(at);
  const prev = hosts?.[hostId];
  const fade = prev ? timeDecay(ageSeconds(prev.at, now), config) : 1;
  const next: Record<string, HostStats> = { ...(hosts ?? {}) };
  next[hostId] = { lost: (prev?.lost ?? 0) * fade + (lost ? 1 : 0), runHours: (prev?.runHours ?? 0) * fade + runHours, at };
  const names = Object.keys(next);
  if (names.length > config.maxHosts) {
    names.sort((a, b) => Date.parse(next[b]!.at) - Date.parse(next[a]!.at));
    for (const n of names.slice(config.maxHosts)) delete next[n];
  }
  return next;
};
