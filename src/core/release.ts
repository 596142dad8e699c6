// Releasing ended attempts: nothing may bill after its job. Every attempt that ends
// (succeeded, failed, timed out, cancelled, lost, failed over, refused at launch) has its
// provider resource stopped, and `releasedAt` is written only once the provider confirms
// the resource is gone. Until then the attempt carries a retry time and the job stays in
// the reconcile index; each reconcile pass asks again, with backoff. The orphan sweep
// stays the backstop for what the job record cannot know (a launch whose answer was lost).
//
// The stop for an attempt that ends in a reconcile pass is sent before the write that
// ends it, and its outcome goes into that same conditional write: no second write races
// the dispatcher the failover hands the job to.
import type { Attempt, Job } from './job.js';
import { awaitingRelease } from './job.js';
import type { Clock, JobStore } from './ports.js';
import { ProviderError, type AttemptRef, type Provider, type ProviderRegistry, type ReleaseState } from './provider.js';
import { JobChange } from './transitions.js';

export interface ReleaseRetryConfig {
  /** Delay before the second stop request; doubled on every later one. */
  baseSeconds: number;
  /** The longest wait between two stop requests. */
  maxSeconds: number;
  /**
   * The longest wait before resending a stop request that itself failed (5xx, timeout): the
   * resource may still be billing, so it is not left for up to maxSeconds (chaos --jobs 10000
   * saw stops land over an hour late). A stop accepted but not yet confirmed backs off to
   * maxSeconds; a provider's Retry-After is honoured either way. Unset: maxSeconds.
   */
  failedStopMaxSeconds?: number;
}

export const DEFAULT_RELEASE_RETRY: ReleaseRetryConfig = { baseSeconds: 10, maxSeconds: 900, failedStopMaxSeconds: 60 };

export interface ReleaseDeps {
  store: JobStore;
  providers: ProviderRegistry;
  clock: Clock;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface ReleaseOutcome {
  state: ReleaseState;
  /** Why a pending release is pending; goes into the attempt's releaseNote. */
  note?: string;
  /** The provider asked to be called again after this long. */
  retryAfterSeconds?: number;
  /** The stop request itself failed (as opposed to accepted but not yet done). */
  failed?: boolean;
}

const isUnknown = (error: unknown): boolean => error instanceof ProviderError && error.kind === 'unknown-job';

/**
 * The port-level release. An adapter's own `release()` answers precisely. Without it:
 * cancel (idempotent in every adapter), then read the status; the provider not knowing
 * the attempt, `resource: 'gone'`, or (when the adapter does not say) a terminal state
 * after the stop counts as gone. The contract is documented on Provider.release.
 */
export const releaseAtProvider = async (provider: Provider, ref: AttemptRef): Promise<ReleaseState> => {
  if (provider.release) {
    try {
      return await provider.release(ref);
    } catch (error) {
      if (isUnknown(error)) return 'released';
      throw error;
    }
  }
  try {
    await provider.cancel(ref);
  } catch (error) {
    if (isUnknown(error)) return 'released';
    throw error;
  }
  try {
    const status = await provider.status(ref);
    if (status.resource !== undefined) return status.resource === 'gone' ? 'released' : 'pending';
    return status.state === 'pending' || status.state === 'running' ? 'pending' : 'released';
  } catch (error) {
    if (isUnknown(error)) return 'released';
    throw error;
  }
};

/** Ask the attempt's provider to stop its resource. Never throws: a failure is a pending release. */
export const requestRelease = async (deps: Pick<ReleaseDeps, 'providers' | 'log'>, attempt: Attempt): Promise<ReleaseOutcome> => {
  const provider = deps.providers.get(attempt.provider);
  if (!provider) return { state: 'pending', note: `provider ${attempt.provider} is not configured; cannot stop the resource` };
  try {
    const state = await releaseAtProvider(provider, { attemptId: attempt.id, providerRef: attempt.providerRef });
    return state === 'released' ? { state } : { state, note: `${attempt.provider} has not confirmed the resource is gone` };
  } catch (error) {
    deps.log?.('stop request failed; the reconciler retries', { attemptId: attempt.id, provider: attempt.provider, error: String(error) });
    const retryAfterSeconds = error instanceof ProviderError ? error.retryAfterSeconds : undefined;
    return {
      state: 'pending',
      failed: true,
      note: `stop request failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
  }
};

/** When to send stop request number `tries + 1`, after `tries` that did not confirm. */
export const nextReleaseAt = (now: Date, tries: number, outcome: ReleaseOutcome, config: ReleaseRetryConfig = DEFAULT_RELEASE_RETRY): string => {
  const cap = outcome.failed ? Math.min(config.maxSeconds, config.failedStopMaxSeconds ?? config.maxSeconds) : config.maxSeconds;
  const backoff = Math.min(cap, config.baseSeconds * 2 ** Math.min(Math.max(tries - 1, 0), 20));
  const seconds = outcome.retryAfterSeconds !== undefined ? Math.min(config.maxSeconds, Math.max(0, outcome.retryAfterSeconds)) : backoff;
  return new Date(now.getTime() + seconds * 1000).toISOString();
};

/** Put a release outcome into the change that ends (or already ended) the attempt. */
export const applyRelease = (
  change: JobChange,
  attempt: Attempt,
  outcome: ReleaseOutcome,
  now: Date,
  config: ReleaseRetryConfig = DEFAULT_RELEASE_RETRY,
): JobChange => {
  if (outcome.state === 'released') return change.released(attempt.id, `${attempt.provider} confirmed the resource is gone`);
  const tries = (attempt.releaseTries ?? 0) + 1;
  return change.releasePending(attempt.id, nextReleaseAt(now, tries, outcome, config), outcome.note ?? 'not confirmed');
};

/** An ended attempt whose next stop request is due now. */
export const releaseDue = (attempt: Attempt, now: Date): boolean =>
  awaitingRelease(attempt) && (attempt.nextReleaseAt === undefined || Date.parse(attempt.nextReleaseAt) <= now.getTime());

/** Left alone by dispatchers for a while yet: queued, sleeping through a capacity backoff that ends more than 10 s from now. */
const sleepingThroughBackoff = (job: Job, now: Date): boolean =>
  job.status === 'queued' && job.capacityWait !== undefined && job.leaseUntil !== undefined && Date.parse(job.leaseUntil) - now.getTime() > 10_000;

/** A job waiting for capacity with a stop request due: the reconciler asks it now, not once the wait is over (up to 24 h). */
export const releaseDueWhileWaiting = (job: Job, now: Date): boolean => sleepingThroughBackoff(job, now) && job.attempts.some((a) => releaseDue(a, now));

/**
 * One reconcile pass's release work for a job: ask again for every ended attempt whose
 * retry time has come, and record what the providers said in one conditional write.
 * Skipped while the job is queued or placing: the dispatcher owns those moments (a claim
 * or launch that lost its conditional write to this one would leave the job waiting for
 * a requeue), and the job soon moves on; but not while it sleeps through a capacity
 * backoff, which may last hours. Returns the job as stored afterwards (a ConflictError
 * surfaces to the caller).
 */
export const releaseEndedAttempts = async (
  deps: ReleaseDeps,
  job: Job,
  config: ReleaseRetryConfig = DEFAULT_RELEASE_RETRY,
): Promise<{ job: Job; changed: boolean }> => {
  const now = deps.clock.now();
  if ((job.status === 'queued' && !sleepingThroughBackoff(job, now)) || job.status === 'placing') return { job, changed: false };
  const due = job.attempts.filter((a) => releaseDue(a, now));
  if (due.length === 0) return { job, changed: false };
  const outcomes = await Promise.all(due.map((a) => requestRelease(deps, a)));
  const change = new JobChange(job, now.toISOString());
  due.forEach((a, i) => applyRelease(change, a, outcomes[i]!, now, config));
  const write = change.build();
  await deps.store.write(write);
  return { job: write.job, changed: true };
};

/** Stop a resource at its provider; one that is already gone counts as stopped. */
export const cancelAtProvider = async (
  deps: { providers: ProviderRegistry },
  providerName: string,
  ref: AttemptRef,
): Promise<void> => {
  const provider = deps.providers.get(providerName);
  if (!provider) return;
  try {
    await provider.cancel(ref);
  } catch (error) {
    if (!(error instanceof ProviderError && error.kind === 'unknown-job')) throw error;
  }
};
