// The reconciler's hook for attempts still pending at the provider: the start deadline
// learned per provider (./start-deadline.ts), hedged starts (./hedge.ts) and late starts of
// deadline jobs (./deadline.ts).
import type { Attempt, Job } from './job.js';
import type { ProviderKind } from './provider.js';
import type { ProviderStatsRecord } from './reliability.js';
import { cheapOfferKeepsSchedule, scheduleOf, scheduleText } from './deadline.js';
import { mayHedge } from './hedge.js';
import { RESTORE_SECONDS } from './placement.js';
import { hedgeAfterSeconds, learnedStartDeadlineSeconds } from './start-deadline.js';

export * from './start-deadline.js';

/** The reconciler's view: the provider's record (read once per pass and provider) and what follows from it. */
export interface PendingStartDeps {
  stats?: { getMany(providers: string[]): Promise<Map<string, ProviderStatsRecord>> };
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** Per reconcile pass: each provider's record read once, shared by every pending attempt on it. */
export class PendingStarts {
  private readonly records = new Map<string, Promise<ProviderStatsRecord | undefined>>();

  constructor(
    private readonly deps: PendingStartDeps,
    private readonly fallbackSeconds: number,
  ) {}

  record(provider: string): Promise<ProviderStatsRecord | undefined> {
    let r = this.records.get(provider);
    if (!r) {
      r = this.read(provider);
      this.records.set(provider, r);
    }
    return r;
  }

  async deadlineSeconds(provider: string): Promise<number> {
    return learnedStartDeadlineSeconds(await this.record(provider), this.fallbackSeconds);
  }

  private async read(provider: string): Promise<ProviderStatsRecord | undefined> {
    if (!this.deps.stats) return undefined;
    try {
      return (await this.deps.stats.getMany([provider])).get(provider);
    } catch (error) {
      // Advisory: without the record, the configured deadline holds.
      this.deps.log?.('provider stats unavailable for the start deadline', { provider, error: String(error) });
      return undefined;
    }
  }
}

const MOVED = 'moving to a reliable offer';

/** What to do with an attempt still pending at the provider. */
export type PendingVerdict =
  | { kind: 'wait' }
  | { kind: 'give-up'; reason: string; outcome?: 'start-missed'; moved?: true }
  | { kind: 'hedge'; lateSeconds: number };

/**
 * Past the learned start deadline: give up (counted against the provider). Late (past the
 * p75 start) on a hedging job: hedge. Late on a deadline job whose slack no longer covers a
 * restart: move now to a reliable offer (not the provider's fault; placement picks the offer).
 */
export const judgePending = async (
  pending: PendingStarts | undefined,
  fallbackSeconds: number,
  job: Job,
  attempt: Attempt,
  kind: ProviderKind | undefined,
  now: Date,
  maxAttempts: number,
): Promise<PendingVerdict> => {
  const waited = (now.getTime() - Date.parse(attempt.createdAt)) / 1000;
  const record = await pending?.record(attempt.provider);
  const limit = learnedStartDeadlineSeconds(record, fallbackSeconds);
  if (waited > limit) return { kind: 'give-up', reason: `did not start within ${limit}s`, outcome: 'start-missed' };
  if (waited <= hedgeAfterSeconds(record, limit)) return { kind: 'wait' };
  if (mayHedge(job, attempt, maxAttempts)) return { kind: 'hedge', lateSeconds: waited };
  const schedule = scheduleOf(job, now.getTime());
  // Once per job: the offer placement picks next is the reliable one, so it is waited for.
  const movedBefore = job.attempts.some((a) => a.movedOff !== undefined || a.reason?.endsWith(MOVED));
  if (schedule && kind !== 'cloud' && !movedBefore && !cheapOfferKeepsSchedule(schedule, 0, RESTORE_SECONDS)) {
    return { kind: 'give-up', reason: `${scheduleText(schedule)}; ${attempt.provider} is late to start (${Math.round(waited)}s), ${MOVED}`, moved: true };
  }
  return { kind: 'wait' };
};
