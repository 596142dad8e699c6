// Hedged starts in `npm run bench:market`, as src/core/hedge.ts runs them: a launch still not
// running at the hedge time (its provider's p75 start) gets a second launch on another network;
// whichever runs first is kept and the other is stopped then. The loser's billed time (its wait,
// where billing starts at launch) is Switchyard's cost: counted in spend, and apart as hedge loss.
import type { BillingTerms, Offer } from '../src/core/provider.js';
import { START_DEADLINE_SECONDS } from '../src/core/placement.js';
import type { SimJob } from './market-world.js';
import type { NetworkTruth, World } from './market-worlds.js';
import { drawAttempt, type Outcome, type Policy, type Tally, type Tried } from './market-sim.js';

/** One launch as the event loop follows it. */
export interface Launched {
  offer: Offer;
  n: NetworkTruth;
  d: Outcome;
  at: number;
  attemptId: string;
  startDeadline: number;
}

export interface RaceContext {
  world: World;
  seed: number;
  policy: Policy;
  job: SimJob;
  index: Map<string, number>;
  past: Tried[];
  tried: string[];
  doneSeconds: number;
  waitedUntil: number;
  need: number;
  nextAttemptId: () => string;
}

const startOf = (l: Launched): number => (l.d.kind === 'lost' || l.d.kind === 'delivered' ? l.at + l.d.startSeconds : Infinity);

/** Seconds of waiting a network bills: all of them, in its units, where billing starts at launch. */
export const billedWait = (billing: BillingTerms, seconds: number): number =>
  billing.startsAt !== 'launch' || seconds <= 0 ? 0 : billing.unitSeconds > 1 ? Math.ceil(seconds / billing.unitSeconds) * billing.unitSeconds : seconds;

/** The launch the job goes on with after a hedge (the first one when there was no race). */
export const raceHedge = (c: RaceContext, first: Launched, into: Tally): Launched => {
  const after = c.policy.hedgeAfterSeconds?.(c.job, first.offer.provider);
  const firstStart = startOf(first);
  if (after === undefined || first.d.kind === 'refused' || firstStart <= first.at + after) return first;
  const at = first.at + after;
  const attemptId = c.nextAttemptId();
  const offer = c.policy.choose(c.job, [...new Set([...c.tried, first.offer.provider])], at, attemptId, c.doneSeconds, { history: c.past, waitedUntil: c.waitedUntil });
  if (!offer || offer.provider === first.offer.provider) return first;
  const ni = c.index.get(offer.provider)!;
  const n = c.world.networks[ni]!;
  const startDeadline = c.policy.startDeadlineSeconds?.(offer.provider) ?? START_DEADLINE_SECONDS;
  const d = drawAttempt(n, ni, c.seed, c.job, c.past.filter((t) => t.provider === offer.provider).length, at, c.need, startDeadline);
  c.past.push({ provider: offer.provider, offerId: offer.offerId, kind: d.kind, at });
  into.attempts++;
  into.hedges++;
  if (d.kind === 'refused') return first;
  const second: Launched = { offer, n, d, at, attemptId, startDeadline };
  const entries = { first: c.past[c.past.length - 2]!, second: c.past[c.past.length - 1]! };
  const hedgeWins = startOf(second) < firstStart;
  const [winner, loser] = hedgeWins ? [second, first] : [first, second];
  (hedgeWins ? entries.first : entries.second).lostHedge = true;
  // The loser stops when the winner runs; with neither running, the hedge waits out its own deadline.
  const stopAt = Math.min(startOf(winner), loser.at + loser.startDeadline);
  const cost = ((loser.offer.pricePerGpuHourUsd * loser.offer.gpuCount) / 3600) * billedWait(loser.n.billing, stopAt - loser.at);
  into.spendUsd += cost;
  into.hedgeLossUsd += cost;
  if (hedgeWins) into.hedgeWins++;
  return winner;
};
