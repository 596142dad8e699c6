// What a lost hedged start cost us (./hedge.ts): its own module, so the admin job view can
// report it without loading the dispatcher.
import type { Attempt } from './job.js';
import type { BillingTerms } from './provider.js';

/**
 * Seconds of the lost hedge's machine the provider bills: from launch where billing starts
 * at launch, else its running time (none when it never ran), up to its confirmed release.
 */
export const hedgeLossSeconds = (attempt: Attempt, billing: BillingTerms, fallbackEnd: string): number => {
  if (attempt.hedge !== 'lost') return 0;
  const end = Date.parse(attempt.releasedAt ?? attempt.endedAt ?? fallbackEnd);
  const from = billing.startsAt === 'launch' ? attempt.createdAt : attempt.startedAt;
  return from ? Math.max(0, Math.ceil((end - Date.parse(from)) / 1000)) : 0;
};
