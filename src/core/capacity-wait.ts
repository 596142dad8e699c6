// Waiting for capacity: a job that every offer it may run on refused for lack of capacity
// (or whose networks are all out of rotation) goes back to `queued` with backoff instead
// of failing, and is placed when capacity appears — until `maxQueueSeconds` (default 24 h)
// of waiting. The backoff is the job's lease: no dispatcher claims it before then, and the
// reconciler enqueues it again as soon as the lease is over.
import type { Attempt, Job, JobSpec } from './job.js';
import { offerFits } from './placement.js';
import type { Provider } from './provider.js';
import { JobChange, type JobWrite } from './transitions.js';

export const DEFAULT_MAX_QUEUE_SECONDS = 24 * 3600;
const FIRST_BACKOFF_SECONDS = 5;
const MAX_BACKOFF_SECONDS = 300;

export const capacityBackoffSeconds = (tries: number): number => Math.min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** Math.min(tries, 16));

/** Refused for capacity, or failed transiently at launch: the offer may take the job later. */
export const isCapacityRefusal = (attempt: Attempt): boolean => attempt.refusedFor !== undefined;

/**
 * Attempts that use the failover budget: capacity refusals do not (a waiting job retries them),
 * nor a hedge's loser (stopped by us because the other ran first: no failure of the job's). Without
 * that, hedged jobs spent their budget twice as fast: on `npm run bench:market` long-jobs, deadline
 * jobs that hedged met 99.67 % of deadlines against 99.92 % without hedging.
 */
/** Tries spent: not capacity refusals, nor a hedge's loser, nor a late start Switchyard moved off (our choice, not a failure). */
export const budgetedAttempts = (job: Job): number => job.attempts.filter((a) => !isCapacityRefusal(a) && a.hedge !== 'lost' && a.movedOff === undefined).length;

/** A capacity refusal from an earlier try: its offer may be tried again now. */
export const retryableRefusal = (attempt: Attempt, claimedAt: string): boolean =>
  isCapacityRefusal(attempt) && attempt.createdAt < claimedAt;

/**
 * Whether a provider with no fitting offer now may have one later: its offer listing failed
 * (it said nothing about capacity), or its static catalogue has what the job asks for (the
 * GPU model, VRAM, region and price; assumed available in the job's GPU count) and all of
 * it is taken right now, or it is a live market that may sell it later (Provider.mayOfferLater).
 * A job asking for what a provider never offers is not waited for.
 */
export const mayHaveCapacityLater = (provider: Provider | undefined, spec: JobSpec, listingFailed: boolean): boolean => {
  if (!provider) return false;
  if (listingFailed) return true;
  const regions = spec.placement.regions;
  if (provider.mayOfferLater) return provider.mayOfferLater({ gpu: spec.resources.gpu, ...(regions ? { regions } : {}) });
  return provider.info().catalog.some((e) =>
    (e.regions?.length ? e.regions : [undefined]).some((region) =>
      offerFits({ provider: provider.name, offerId: 'catalogue', gpuModel: e.gpuModel, gpuCount: spec.resources.gpu.count, vramGb: e.vramGb, pricePerGpuHourUsd: e.pricePerGpuHourUsd, expectedStartSeconds: 0, ...(region ? { region } : {}) }, spec),
    ),
  );
};

/**
 * Whether a placement that launched nothing should wait rather than fail: every launch it
 * tried was refused for capacity; or it tried none because its networks are out of rotation,
 * or because a provider it may run on has nothing free now but may later (`capacityLater`).
 */
export const shouldWaitForCapacity = (claimed: Job, after: Job, notes: readonly string[], capacityLater = false): boolean => {
  const tried = after.attempts.slice(claimed.attempts.length);
  if (tried.length > 0) return tried.every(isCapacityRefusal);
  return capacityLater || notes.some((n) => n.includes('out of rotation'));
};

/** The write that sends the job back to the queue, or undefined when it has waited long enough. */
export const waitForCapacity = (job: Job, now: Date, why: string): JobWrite | undefined => {
  const at = now.toISOString();
  const since = job.capacityWait?.since ?? at;
  const tries = job.capacityWait?.tries ?? 0;
  const limit = job.spec.maxQueueSeconds ?? DEFAULT_MAX_QUEUE_SECONDS;
  if (now.getTime() - Date.parse(since) >= limit * 1000) return undefined;
  const backoff = capacityBackoffSeconds(tries);
  return new JobChange(job, at)
    .status('queued', `waiting for capacity (next try in ${backoff}s): ${why}`)
    .lease(new Date(now.getTime() + backoff * 1000).toISOString())
    .capacityWait({ since, tries: tries + 1 })
    .build();
};

/**
 * After a provider ended an attempt for lack of capacity (it never had a machine: AWS Batch's
 * `CAPACITY:…` once a job-state time limit cancels a RUNNABLE job), the job's wait so far,
 * counted from its first capacity refusal; undefined once it has waited maxQueueSeconds.
 */
export const capacityWaitAfter = (job: Job, attempt: Attempt, now: Date): { since: string; tries: number } | undefined => {
  const earlier = job.attempts.filter((a) => a.id !== attempt.id && a.refusedFor === 'capacity');
  const since = [attempt.createdAt, ...earlier.map((a) => a.createdAt), ...(job.capacityWait ? [job.capacityWait.since] : [])].sort()[0]!;
  const limit = (job.spec.maxQueueSeconds ?? DEFAULT_MAX_QUEUE_SECONDS) * 1000;
  if (now.getTime() - Date.parse(since) >= limit) return undefined;
  return { since, tries: earlier.length + 1 };
};
