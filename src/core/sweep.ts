// The orphan sweep: asks each provider that can list what Switchyard launched there, and
// stops every resource no live attempt owns. The job path already stops what it knows
// about; this catches what it cannot know: a launch whose answer was lost (the dispatcher
// saw an error and moved on, but the machine came up), a cancel that failed, a crash
// between launch and the write that records it. Money leaks quietly otherwise.
import { isTerminal, LIVE_ATTEMPT_STATUSES } from './job.js';
import type { Clock, JobStore } from './ports.js';
import type { AttemptRef, ProviderRegistry } from './provider.js';
import { cancelAtProvider } from './release.js';

export interface SweepDeps {
  store: JobStore;
  providers: ProviderRegistry;
  clock: Clock;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface SweepSummary {
  /** Resources the providers listed as Switchyard's. */
  listed: number;
  stopped: number;
  /** Resources whose job is not in this deployment's table: left alone, since another deployment may own them. */
  foreign: number;
  errors: number;
}

/** Attempt ids are `<jobId>-a<n>` (see dispatch); the job id is everything before the suffix. */
export const jobIdOfAttempt = (attemptId: string): string | undefined => /^(.+)-a\d+$/.exec(attemptId)?.[1];

type Verdict = 'keep' | 'stop' | 'foreign';

const verdictFor = async (store: JobStore, ref: AttemptRef): Promise<Verdict> => {
  const jobId = jobIdOfAttempt(ref.attemptId);
  const job = jobId ? await store.get(jobId) : undefined;
  if (!job) return 'foreign';
  const attempt = job.attempts.find((a) => a.id === ref.attemptId);
  // The attempt is written before its launch, so a resource of our job with no attempt,
  // or with one that ended, belongs to nobody.
  if (!attempt || !LIVE_ATTEMPT_STATUSES.has(attempt.status) || isTerminal(job.status)) return 'stop';
  return 'keep';
};

export const sweepOrphans = async (deps: SweepDeps): Promise<SweepSummary> => {
  const summary: SweepSummary = { listed: 0, stopped: 0, foreign: 0, errors: 0 };
  for (const provider of deps.providers.all()) {
    if (!provider.listOwned || !provider.info().enabled) continue;
    let owned: AttemptRef[];
    try {
      owned = await provider.listOwned();
    } catch (error) {
      // One provider's outage must not keep the others from being swept.
      summary.errors++;
      deps.log?.('orphan sweep: listing failed', { provider: provider.name, error: String(error) });
      continue;
    }
    summary.listed += owned.length;
    for (const ref of owned) {
      try {
        const verdict = await verdictFor(deps.store, ref);
        if (verdict === 'foreign') summary.foreign++;
        if (verdict !== 'stop') continue;
        await cancelAtProvider(deps, provider.name, ref);
        summary.stopped++;
        deps.log?.('orphan sweep: stopped a resource no live attempt owns', { provider: provider.name, attemptId: ref.attemptId });
      } catch (error) {
        summary.errors++;
        deps.log?.('orphan sweep: could not stop', { provider: provider.name, attemptId: ref.attemptId, error: String(error) });
      }
    }
  }
  return summary;
};

// When each store was last swept, in this process. Listing every provider's resources is
// a handful of API calls, so it runs on its own, slower cadence than the reconcile loop.
const lastSweep = new WeakMap<object, number>();

/** Sweep if `intervalSeconds` have passed since this process last swept this store. */
export const sweepIfDue = async (deps: SweepDeps, intervalSeconds: number): Promise<SweepSummary | undefined> => {
  const now = deps.clock.now().getTime();
  const last = lastSweep.get(deps.store);
  if (last !== undefined && now - last < intervalSeconds * 1000) return undefined;
  lastSweep.set(deps.store, now);
  return sweepOrphans(deps);
};
