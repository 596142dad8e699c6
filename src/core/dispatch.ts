// The dispatcher: claims a job, places it on the best offer, and launches it.
// Safe under duplicate deliveries and racing dispatchers: the claim is a conditional
// write, the attempt is recorded before the provider is called, and providers treat
// the attempt id as a client token, so a job is never launched twice.
//
// Writes per launched job: 3 (each one TransactWriteItems of the job and its events), and
// 1 read of the job. (1) The claim: a conditional write that leases the job, so racing
// dispatchers do not all place it. (2) The attempt record, before the provider is called:
// the at-most-once guarantee needs it durable first. (3) The provider's handle, after the
// launch, written on the version (2) left (no read unless it conflicts). (2) and (3) are
// the minimum the guarantee allows; (1) could ride on (2), at the cost of duplicate
// placement work (offer calls to every provider) on every redelivered message.
import type { Attempt, Job } from './job.js';
import { offerKey, rankOffers } from './placement.js';
import { placementContext } from './placement-context.js';
import { writeEnding } from './settlement.js';
import { scheduleOf } from './deadline.js';
import { ConflictError, noAccounting, type Clock, type JobAccounting, type JobQueue, type JobStore } from './ports.js';
import { ProviderError, type LaunchRequest, type Offer, type ProviderRegistry, type RegistryLogin } from './provider.js';
import { withAgent } from '../agent/launch.js';
import type { AgentRuntimeDeps } from './agent.js';
import type { ProviderStatsStore } from './reliability-store.js';
import { applyRelease, requestRelease } from './release.js';
import { budgetedAttempts, isCapacityRefusal, mayHaveCapacityLater, retryableRefusal, shouldWaitForCapacity, waitForCapacity } from './capacity-wait.js';
import { JobChange } from './transitions.js';
import type { LaunchStateSealer } from './launch-state.js';
import { recordLaunch, recordOutcome } from './attempt-records.js';
import { leaseHeld, type LeaseConfig } from './lease.js';
import { DEFAULT_LAUNCH_RETRY, isTransient, launchWithRetry, type LaunchRetryConfig } from './launch-retry.js';

export interface DispatchConfig extends LeaseConfig {
  /** Attempts per job, across failovers, before it fails. */
  maxAttempts: number;
  /** Tries of one launch on transient errors (./launch-retry.ts); DEFAULT_LAUNCH_RETRY when unset. */
  launchRetry?: LaunchRetryConfig;
}

export const DEFAULT_DISPATCH_CONFIG: DispatchConfig = { leaseSeconds: 120, maxAttempts: 6 };

export interface DispatchDeps {
  store: JobStore;
  queue: JobQueue;
  providers: ProviderRegistry;
  clock: Clock;
  config: DispatchConfig;
  /** Settles finished jobs; none when unset. */
  accounting?: JobAccounting;
  /** Learned provider reliability; placement uses priors only when unset. */
  stats?: ProviderStatsStore;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Reads a tenant secret as registry credentials (spec.imageCredentials); throws if it is gone or malformed. */
  registryLogin?: (tenantId: string, secretName: string) => Promise<RegistryLogin>;
  /** The job agent: injected into every launch, and its reports judged by the reconciler; none when unset. */
  agent?: AgentRuntimeDeps;
  /** Seals unfinished launches' state (./launch-state.ts); without it adapters finish every launch inside the call. */
  launchStates?: LaunchStateSealer;
}

export type DispatchOutcome = 'launched' | 'failed' | 'ignored' | 'stopped' | 'waiting';

export const dispatchJob = async (deps: DispatchDeps, jobId: string): Promise<DispatchOutcome> => {
  const job = await deps.store.get(jobId);
  if (!job) return 'ignored';
  if (job.attempts.some((a) => a.status === 'cancelling')) {
    await stopCancelledAttempts(deps, job);
    return 'stopped';
  }
  const claimed = await claim(deps, job);
  if (!claimed) return 'ignored';
  return placeAndLaunch(deps, claimed);
};

const claim = async (deps: DispatchDeps, job: Job): Promise<Job | undefined> => {
  const now = deps.clock.now();
  if (job.status !== 'queued' && job.status !== 'placing') return undefined;
  if (leaseHeld(deps.config, job, now)) return undefined;
  const change = new JobChange(job, now.toISOString())
    .status('placing', 'looking for an offer')
    .lease(new Date(now.getTime() + deps.config.leaseSeconds * 1000).toISOString());
  const write = change.build();
  try {
    await deps.store.write(write);
    return write.job;
  } catch (error) {
    if (error instanceof ConflictError) return undefined; // another dispatcher won the claim
    throw error;
  }
};

/** Machines an offer has had for this job: a capacity refusal (at launch or before a machine came) is no try. */
const triesOf = (job: Job, attempt: Attempt): number =>
  job.attempts.filter((b) => offerKey(b) === offerKey(attempt) && !isCapacityRefusal(b)).length;

const attemptReasons = (job: Job): string =>
  job.attempts.map((a) => `${a.provider}: ${a.reason ?? a.status}`).join('; ');

export const nextAttemptId = (job: Job): string => `${job.id}-a${job.attempts.length + 1}`;

/** The job's registry login, or why it cannot have one (the job then fails: no offer could pull its image). */
const registryLoginOf = async (deps: DispatchDeps, job: Job): Promise<{ login?: RegistryLogin } | { error: string }> => {
  const name = job.spec.imageCredentials;
  if (!name) return {};
  if (!deps.registryLogin) return { error: `image credentials "${name}": secrets are not enabled on this deployment` };
  try {
    return { login: await deps.registryLogin(job.tenantId, name) };
  } catch (error) {
    return { error: `image credentials: ${(error as Error).message}` };
  }
};

const placeAndLaunch = async (deps: DispatchDeps, claimed: Job): Promise<DispatchOutcome> => {
  let job = claimed;
  const registry = await registryLoginOf(deps, job);
  if ('error' in registry) {
    try {
      await writeEnding(deps, new JobChange(job, deps.clock.now().toISOString()).status('failed', registry.error));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return 'ignored';
    }
    return 'failed';
  }
  const ctx = await placementContext(deps);
  const notes: string[] = [];
  let capacityLater = false;
  // First round: providers this job has not tried yet. Second: other offers of the ones it
  // has (another GPU type or tier), so a job allowed on one network is not failed while
  // that network still has capacity of another kind. Last: an offer whose one machine was
  // lost after launch (a laptop restart for `local`, a passing fault) gets one more try; a
  // refused launch does not, and maxAttempts bounds it all. A machine lost without a handle
  // (our crash cut the launch short) gets its second try too; a capacity refusal from an
  // earlier try is no refusal now (the job waited for capacity: ./capacity-wait.ts).
  for (const round of ['new-providers', 'other-offers', 'second-try'] as const) {
    const triedProviders = new Set(round === 'new-providers' ? job.attempts.map((a) => a.provider) : []);
    const excludeOffers = new Set(
      job.attempts
        .filter((a) => !retryableRefusal(a, claimed.updatedAt))
        .filter((a) => round !== 'second-try' || (a.providerRef === undefined && a.lostBy === undefined) || triesOf(job, a) > 1)
        .map(offerKey),
    );
    // A deadline narrows the offers (./deadline.ts); the attempt id picks the exploring share (./exploration.ts).
    const schedule = scheduleOf(job, deps.clock.now().getTime());
    const placing = { ...ctx, excludeOffers, explorationKey: nextAttemptId(job), ...(schedule ? { schedule } : {}) };
    const ranked = await rankOffers(deps.providers.all(), job.spec, triedProviders, placing);
    notes.push(...ranked.notes);
    capacityLater ||= (ranked.unplaced ?? []).some((u) => mayHaveCapacityLater(deps.providers.get(u.provider), job.spec, u.listingFailed));
    for (const offer of ranked.offers) {
      if (budgetedAttempts(job) >= deps.config.maxAttempts) break;
      // A recovering provider takes one probe at a time; the rest of the traffic goes elsewhere.
      if (ranked.halfOpen.includes(offer.provider) && deps.stats && !(await claimProbe(deps, offer.provider, nextAttemptId(job)))) {
        notes.push(`${offer.provider}: recovering from failures; another attempt is probing it`);
        capacityLater = true; // it takes traffic again once the probe runs: wait for it, do not fail
        continue;
      }
      const result = await launchOn(deps, job, offer, registry.login, ranked.why);
      if (result.kind === 'launched') return 'launched';
      if (result.kind === 'lost-race') return 'ignored';
      job = result.job;
    }
  }
  // Placement notes (a network out of rotation, no fitting offer) are kept beside the attempts' reasons.
  const why = [attemptReasons(job), ...new Set(notes)].filter((s) => s !== '').join('; ') || 'no provider is eligible';
  const wait = shouldWaitForCapacity(claimed, job, notes, capacityLater) ? waitForCapacity(job, deps.clock.now(), why) : undefined;
  try {
    if (wait) await deps.store.write(wait);
    else await writeEnding(deps, new JobChange(job, deps.clock.now().toISOString()).status('failed', `no offer could run the job: ${why}`));
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return 'ignored';
  }
  return wait ? 'waiting' : 'failed';
};

/** µUSD as the customer reads a rate in the timeline: "$2.3000" (the event text never shows the provider's cost). */
export const dollarsPerHour = (micro: number): string => `$${(micro / 1_000_000).toFixed(4)}`;

/** The next attempt of `job` on `offer`, launching, at the customer's own price for it (read once, recorded on the attempt). */
export const newAttempt = async (accounting: JobAccounting | undefined, job: Job, offer: Offer, at: string): Promise<Attempt & { customerPricePerGpuHourMicroUsd: number }> => ({
  id: nextAttemptId(job),
  provider: offer.provider,
  offerId: offer.offerId,
  gpuModel: offer.gpuModel,
  pricePerGpuHourUsd: offer.pricePerGpuHourUsd,
  ...(offer.hostId !== undefined ? { hostId: offer.hostId } : {}),
  customerPricePerGpuHourMicroUsd: await (accounting ?? noAccounting).customerRate(job, offer),
  status: 'launching',
  createdAt: at,
});

type LaunchResultKind = { kind: 'launched' } | { kind: 'lost-race' } | { kind: 'refused'; job: Job };

const launchOn = async (deps: DispatchDeps, job: Job, offer: Offer, imageCredentials?: RegistryLogin, why?: string): Promise<LaunchResultKind> => {
  const provider = deps.providers.get(offer.provider);
  if (!provider) return { kind: 'refused', job };
  const now = deps.clock.now().toISOString();
  const attempt = await newAttempt(deps.accounting, job, offer, now);
  // Built before the attempt is recorded: a failure here (the token key unreadable) leaves
  // nothing to clean up, and the job is retried when its lease runs out.
  const request = await launchRequestFor(deps, job, attempt.id, offer, imageCredentials);
  // Record the attempt before calling the provider: a crash after launch still leaves
  // a trace the reconciler can follow (and relaunch idempotently, or stop).
  const recorded = new JobChange(job, now)
    .addAttempt(attempt, `launching on ${offer.provider} (${offer.gpuModel} at ${dollarsPerHour(attempt.customerPricePerGpuHourMicroUsd)}/GPU-hour)`)
    .status('starting', why ? `placed on ${offer.provider} (${why})` : `placed on ${offer.provider}`)
    .capacityWait(undefined) // placed: a wait for capacity is over (restored below if refused)
    .build();
  try {
    await deps.store.write(recorded);
  } catch (error) {
    if (error instanceof ConflictError) return { kind: 'lost-race' };
    throw error;
  }
  try {
    const launched = await launchWithRetry(() => provider.launch(request), deps.config.launchRetry ?? DEFAULT_LAUNCH_RETRY, (error, waitMs) =>
      deps.log?.('launch failed transiently; retrying', { jobId: job.id, provider: offer.provider, waitMs, error: error.message }),
    );
    await recordLaunch(deps, job.id, attempt.id, launched, recorded.job);
    return { kind: 'launched' };
  } catch (error) {
    const reason = error instanceof ProviderError ? `launch refused (${error.kind}): ${error.message}` : `launch failed: ${String(error)}`;
    deps.log?.('launch failed', { jobId: job.id, provider: offer.provider, reason });
    const failed = new JobChange(recorded.job, deps.clock.now().toISOString())
      .attempt(
        attempt.id,
        { status: 'failed', endedAt: deps.clock.now().toISOString(), ...refusalOf(error) },
        reason,
      )
      .status('placing', `trying the next offer after ${offer.provider} refused`)
      .lease(recorded.job.leaseUntil)
      .capacityWait(job.capacityWait) // not placed after all: the wait (if any) goes on
      .build();
    try {
      await deps.store.write(failed);
    } catch (writeError) {
      if (writeError instanceof ConflictError) return { kind: 'lost-race' };
      throw writeError;
    }
    // Only the provider's own, definitive refusal counts against it; an exception of ours (a bug,
    // our config) does not, nor does a transient failure (it said nothing about the offer).
    if (error instanceof ProviderError && !isTransient(error)) await recordOutcome(deps, attempt, 'refused', failed.job.updatedAt);
    return { kind: 'refused', job: failed.job };
  }
};

/** Refusals that leave the offer open to a later try, and use no failover budget (./capacity-wait.ts). */
const refusalOf = (error: unknown): Pick<Attempt, 'refusedFor'> => {
  if (error instanceof ProviderError && error.kind === 'capacity') return { refusedFor: 'capacity' };
  return isTransient(error) ? { refusedFor: 'transient' } : {};
};

/** What the provider is asked to run: the job's command, under the job agent when it is configured. */
export const launchRequestFor = async (deps: DispatchDeps, job: Job, attemptId: string, offer: Offer, imageCredentials?: RegistryLogin): Promise<LaunchRequest> => {
  const request: LaunchRequest = {
    attemptId,
    jobId: job.id,
    offer,
    image: job.spec.image,
    command: job.spec.command,
    env: job.spec.env ?? {},
    maxDurationSeconds: job.spec.maxDurationSeconds,
    maxPricePerGpuHourUsd: job.spec.maxPricePerGpuHourUsd,
    resources: {
      ...(job.spec.resources.cpu !== undefined ? { cpu: job.spec.resources.cpu } : {}),
      ...(job.spec.resources.memoryGb !== undefined ? { memoryGb: job.spec.resources.memoryGb } : {}),
    },
    ...(imageCredentials ? { imageCredentials } : {}),
    ...(deps.launchStates ? { mayFinishLater: true } : {}),
  };
  if (!deps.agent) return request;
  const wrapped = await withAgent(request, job.tenantId, job.spec, deps.agent.launch, deps.clock.now().getTime());
  if (!wrapped) deps.log?.('no agent token key: launching without the job agent', { jobId: job.id });
  return wrapped ?? request;
};

const claimProbe = async (deps: DispatchDeps, provider: string, attemptId: string): Promise<boolean> => {
  try {
    return await deps.stats!.claimProbe(provider, attemptId, deps.clock.now());
  } catch (error) {
    deps.log?.('probe claim failed', { provider, error: String(error) });
    return false; // unsure whether we hold the probe: keep away from a provider that was failing
  }
};


/**
 * Stop at the provider every attempt of a cancelled job that may still be running, and
 * mark it cancelled. Whether the provider confirmed the resource gone goes into the same
 * write; if not (or the stop failed), the reconciler asks again with backoff.
 */
export const stopCancelledAttempts = async (deps: Pick<DispatchDeps, 'store' | 'providers' | 'clock' | 'log' | 'accounting'>, job: Job): Promise<void> => {
  for (const attempt of job.attempts.filter((a) => a.status === 'cancelling')) {
    const release = await requestRelease(deps, attempt);
    const latest = await deps.store.get(job.id);
    if (!latest) return;
    const now = deps.clock.now();
    const change = new JobChange(latest, now.toISOString());
    const current = latest.attempts.find((a) => a.id === attempt.id);
    if (current?.status !== 'cancelling') continue;
    const reason = release.failed ? 'cancelled; the stop at the provider failed and is retried' : 'stopped at the provider';
    // The customer's time ended at the cancel (metered and settled then); keep that end.
    change.attempt(attempt.id, { status: 'cancelled', endedAt: current.endedAt ?? now.toISOString() }, reason);
    applyRelease(change, current, release, now);
    await writeEnding(deps, change); // a conflict surfaces: the batch item is retried
  }
};

