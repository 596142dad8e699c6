// The late-start move in `npm run bench:market`, as src/core/pending-start.ts judges it: a
// deadline job's launch still pending past its provider's p75 start, once the job's slack no
// longer covers a restart (cheapOfferKeepsSchedule fails), is given up — once per job, not
// counted against the provider nor as a try — and the job is placed again, where placement now wants a
// reliable offer. The given-up launch's billed wait is spent.
import { billedWait, type Launched } from './market-hedge.js';
import type { Tally, Tried } from './market-sim.js';

/** When the move happens (seconds since the epoch of the sim), or undefined: the first launch goes on. */
export const moveTime = (
  first: Launched,
  moveAt: ((provider: string, launchedAt: number, pendingUntil: number) => number | undefined) | undefined,
  history: readonly Tried[],
): number | undefined => {
  if (!moveAt || first.d.kind === 'refused' || first.n.kind === 'cloud' || history.some((t) => t.moved)) return undefined;
  // Pending until it starts, or until its start deadline gives it up.
  const pendingUntil = first.d.kind === 'start-missed' ? first.at + first.startDeadline : first.at + first.d.startSeconds;
  const at = moveAt(first.offer.provider, first.at, pendingUntil);
  return at !== undefined && at < pendingUntil ? at : undefined;
};

/** Stops the first launch at `at`: its billed wait is spent, its entry marked moved (it spends no try, as in the dispatcher's budgetedAttempts). */
export const applyMove = (first: Launched, entry: Tried, at: number, into: Tally): void => {
  entry.moved = true;
  entry.kind = 'start-missed'; // from the job's view it never started there
  into.moves++;
  into.spendUsd += ((first.offer.pricePerGpuHourUsd * first.offer.gpuCount) / 3600) * billedWait(first.n.billing, at - first.at);
};
