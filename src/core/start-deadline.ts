// Learned start deadlines: how long a launch may stay pending before the reconciler gives
// up on it, per provider, from its observed starts: 2 × their p95, at least 60 s and never
// past the configured deadline (600 s by default). Learning only shortens the deadline, for
// providers that start fast, so a hung launch is given up sooner; it never lengthens it, because
// on `npm run bench:market` a longer one (up to 1800 s) let hung launches burn longer than it
// saved on slow starts (p95 start in the billed-waiting world 920 s → 1,347–1,817 s), and
// 1.5 × p95 cut too many slow-but-good starts (cost +1–2 %). The hedge time (./hedge.ts) is
// the p75 of the same starts: a launch slower than three in four of its provider's starts is
// "late". Pure, with no imports from the dispatcher (the agent's token lifetime reads the bounds).
import type { ProviderStatsRecord } from './reliability.js';

/** A learned deadline is at least `min`; `max` is the longest start deadline the agent's token allows for. */
export const START_DEADLINE_BOUNDS = { min: 60, max: 1800 } as const;
/** Until this many starts are known, the fixed default holds. */
export const MIN_KNOWN_STARTS = 5;
export const DEFAULT_START_DEADLINE_SECONDS = 600;

export const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

const known = (stats: ProviderStatsRecord | undefined): number[] | undefined => {
  const starts = stats?.recentStarts;
  return starts && starts.length >= MIN_KNOWN_STARTS ? starts : undefined;
};

/** Seconds a launch on this provider may take to start: 2 × p95 of its recent starts, at least 60 s and at most `fallback` (the configured deadline); `fallback` until enough starts are known. */
export const learnedStartDeadlineSeconds = (stats: ProviderStatsRecord | undefined, fallback = DEFAULT_START_DEADLINE_SECONDS): number => {
  const starts = known(stats);
  if (!starts) return fallback;
  return Math.round(Math.min(fallback, Math.max(START_DEADLINE_BOUNDS.min, 2 * quantile(starts, 0.95))));
};

/** Seconds after which a pending launch is late enough to hedge: p75 of recent starts, else half the start deadline. */
export const hedgeAfterSeconds = (stats: ProviderStatsRecord | undefined, startDeadlineSeconds: number): number => {
  const starts = known(stats);
  return Math.min(startDeadlineSeconds, starts ? Math.max(1, quantile(starts, 0.75)) : startDeadlineSeconds / 2);
};

