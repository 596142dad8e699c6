// The exploration budget: an avoided network gets no attempts, so its counts never say it
// recovered. A small, deterministic share of placements (by a hash of the attempt id) tries
// a provider with no news for a while, when its expected cost is close to the best.
// Never for deadline jobs (placement does not call this for them).
import { createHash } from 'node:crypto';
import type { Offer } from './provider.js';
import type { ProviderStatsRecord } from './reliability.js';

export interface ExplorationConfig {
  /** Share of placements that may explore, 0..1. */
  share: number;
  /** A provider whose record has not changed for this long has "no news". */
  staleSeconds: number;
  /** Explore only an offer whose score is within this factor of the best one. */
  maxCostFactor: number;
}

export const DEFAULT_EXPLORATION: ExplorationConfig = { share: 0.02, staleSeconds: 12 * 3600, maxCostFactor: 1.5 };

/** Whether this placement is in the exploring share: the same attempt id always answers the same. */
export const explores = (key: string, share: number): boolean => {
  const h = createHash('sha256').update(key).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < share;
};

const stale = (record: ProviderStatsRecord | undefined, nowMs: number, staleSeconds: number): boolean =>
  record === undefined || nowMs - Date.parse(record.updatedAt) >= staleSeconds * 1000;

/**
 * Moves the cheapest stale provider's offer to the front when this placement explores;
 * returns the note for the placement event, or undefined when nothing moved.
 */
export const explore = (
  ranked: { offer: Offer; score: number }[],
  ctx: { explorationKey?: string; stats?: ReadonlyMap<string, ProviderStatsRecord>; now?: Date; exploration?: ExplorationConfig },
): string | undefined => {
  const config = ctx.exploration ?? DEFAULT_EXPLORATION;
  if (!ctx.explorationKey || !ctx.stats || ranked.length < 2 || !explores(ctx.explorationKey, config.share)) return undefined;
  const best = ranked[0]!;
  const nowMs = (ctx.now ?? new Date()).getTime();
  const index = ranked.findIndex(
    (r, i) => i > 0 && stale(ctx.stats?.get(r.offer.provider), nowMs, config.staleSeconds) && r.score <= config.maxCostFactor * best.score,
  );
  if (index < 0) return undefined;
  const [picked] = ranked.splice(index, 1);
  ranked.unshift(picked!);
  return `exploring ${picked!.offer.provider}: no news from it for ${Math.round(config.staleSeconds / 3600)} h`;
};
