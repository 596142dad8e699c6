// Hedged starts: for a job with a deadline or strategy "fastest" that asked for it
// (spec.hedge), a first attempt that is late to start (past its provider's p75 start,
// ./pending-start.ts) gets a second attempt on another provider. Whichever runs first is
// kept; the other is stopped at once and its release confirmed like any ended attempt
// (./release.ts). At most two live attempts, and only here. The loser's billed time is
// Switchyard's cost: it ends as `hedge: 'lost'`, which metering never bills the customer.
import type { Attempt, Job } from './job.js';
import { liveAttempts } from './job.js';
import { hasDeadline, scheduleOf } from './deadline.js';
import { dollarsPerHour, launchRequestFor, newAttempt } from './dispatch.js';
import { recordLaunch, recordOutcome } from './attempt-records.js';
import { placementContext } from './placement-context.js';
import { rankOffers, offerKey } from './placement.js';
import { ProviderError } from './provider.js';
import { attemptRefOf } from './launch-state.js';
import { observeAttempt, type ObservedStatus } from './agent-signals.js';
import { applyRelease, DEFAULT_RELEASE_RETRY, requestRelease } from './release.js';
import { JobChange } from './transitions.js';
import { budgetedAttempts } from './capacity-wait.js';
import type { AttemptOutcomeKind } from './reliability.js';
import type { ReconcileDeps } from './reconcile.js';

/** A job that may hedge: asked for it, has a deadline or wants the fastest start, and is not hedging now. */
export const mayHedge = (job: Job, late: Attempt, maxAttempts: number): boolean =>
  job.spec.hedge === true &&
  (hasDeadline(job.spec) || job.spec.placement.strategy === 'fastest') &&
  liveAttempts(job).length === 1 &&
  // One hedge per late attempt: a refused or failed hedge is not tried again for it.
  !job.attempts.some((a) => a.hedge !== undefined && Date.parse(a.createdAt) >= Date.parse(late.createdAt)) &&
  budgetedAttempts(job) < maxAttempts;

/**
 * Launch the second attempt on the best offer of another provider. Returns true when a
 * hedge was recorded (launched, or refused and ended); false when no offer was there.
 */
export const launchHedge = async (deps: ReconcileDeps, job: Job, late: Attempt, lateSeconds: number): Promise<boolean> => {
  const now = deps.clock.now();
  const ctx = await placementContext(deps);
  const schedule = scheduleOf(job, now.getTime());
  const ranked = await rankOffers(deps.providers.all(), job.spec, new Set([late.provider]), {
    ...ctx,
    ...(schedule ? { schedule } : {}),
    excludeOffers: new Set(job.attempts.map(offerKey)),
  });
  // A recovering provider takes one probe at a time, from the dispatcher: a hedge goes elsewhere.
  const offer = ranked.offers.find((o) => !ranked.halfOpen.includes(o.provider));
  const provider = offer && deps.providers.get(offer.provider);
  if (!offer || !provider) return false;
  const at = now.toISOString();
  const attempt = { ...(await newAttempt(deps.accounting, job, offer, at)), hedge: 'second' as const };
  const request = await launchRequestFor(deps, job, attempt.id, offer);
  const recorded = new JobChange(job, at)
    .addAttempt(
      attempt,
      `hedging: ${late.provider} has not started after ${Math.round(lateSeconds)}s (later than 3 in 4 of its starts); also launching on ${offer.provider} (${offer.gpuModel} at ${dollarsPerHour(attempt.customerPricePerGpuHourMicroUsd)}/GPU-hour), the first to run is kept`,
    )
    .build();
  await deps.store.write(recorded); // a conflict surfaces: the next pass looks again
  try {
    await recordLaunch(deps, job.id, attempt.id, await provider.launch(request), recorded.job);
  } catch (error) {
    const reason = error instanceof ProviderError ? `hedge launch refused (${error.kind}): ${error.message}` : `hedge launch failed: ${String(error)}`;
    const failed = new JobChange(recorded.job, deps.clock.now().toISOString()).attempt(attempt.id, { status: 'failed', endedAt: deps.clock.now().toISOString() }, reason);
    await deps.store.write(failed.build());
    if (error instanceof ProviderError) await recordOutcome(deps, attempt, 'refused', at);
  }
  return true;
};

type Seen = { attempt: Attempt; status: ObservedStatus | 'pending' } | { attempt: Attempt; gone: string; kind?: AttemptOutcomeKind };

const look = async (deps: ReconcileDeps, job: Job, attempt: Attempt): Promise<Seen> => {
  const provider = deps.providers.get(attempt.provider);
  if (!provider) return { attempt, gone: `provider ${attempt.provider} is no longer configured` };
  try {
    const status = await observeAttempt(deps, job, attempt, await provider.status(await attemptRefOf(deps.launchStates, job, attempt, deps.log)));
    return { attempt, status };
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'unknown-job') {
      const launching = attempt.status === 'launching' && (deps.clock.now().getTime() - Date.parse(attempt.createdAt)) / 1000 < deps.config.leaseSeconds;
      return launching ? { attempt, status: 'pending' } : { attempt, gone: `${attempt.provider} no longer knows the attempt`, kind: 'lost' };
    }
    if (error instanceof ProviderError && error.kind !== 'transient') return { attempt, gone: `${attempt.provider} status failed (${error.kind}): ${error.message}`, kind: 'provider-error' };
    return { attempt, status: 'pending' };
  }
};

/** A machine that ran the command (running now, or already exited on its own): the race is won. */
const ran = (s: Seen): boolean => 'status' in s && s.status !== 'pending' && (s.status.state === 'running' || s.status.state === 'succeeded' || (s.status.state === 'failed' && !s.status.providerFault));

/**
 * One reconcile step for a job with two live attempts. The first to run wins: the other is
 * stopped in the same pass (its release confirmed like any ended attempt's) and marked
 * `hedge: 'lost'`. An attempt that dies or misses its start deadline ends alone; the
 * survivor goes on. With neither left, the job goes back to the dispatcher.
 */
export const advanceHedged = async (deps: ReconcileDeps, job: Job): Promise<'changed' | 'unchanged'> => {
  const now = deps.clock.now();
  const at = now.toISOString();
  const seen = await Promise.all(liveAttempts(job).map((a) => look(deps, job, a)));
  const change = new JobChange(job, at);
  const retry = deps.reconcile.releaseRetry ?? DEFAULT_RELEASE_RETRY;
  const winner = seen.find(ran);
  if (winner) {
    for (const loser of seen.filter((s) => s !== winner)) {
      const release = await requestRelease(deps, loser.attempt);
      change.attempt(
        loser.attempt.id,
        { status: 'failed', endedAt: at, hedge: 'lost' },
        `hedge lost: ${winner.attempt.provider} ran first, so this attempt was stopped; its billed time is Switchyard's cost, not yours`,
      );
      applyRelease(change, loser.attempt, release, now, retry);
    }
    if ('status' in winner && winner.status !== 'pending' && winner.status.state === 'running') {
      change.attempt(winner.attempt.id, { status: 'running', startedAt: winner.attempt.startedAt ?? at }, `running at the provider; won the hedged start`).status('running', `running on ${winner.attempt.provider}`);
    }
    await deps.store.write(change.build());
    try {
      await deps.stats?.clearBreaker(winner.attempt.provider, at);
    } catch (error) {
      deps.log?.('provider breaker not cleared', { provider: winner.attempt.provider, error: String(error) });
    }
    return 'changed';
  }
  const ended: { attempt: Attempt; kind?: AttemptOutcomeKind }[] = [];
  for (const s of seen) {
    let why: string | undefined;
    let kind: AttemptOutcomeKind | undefined;
    if ('gone' in s) [why, kind] = [s.gone, s.kind];
    else if (s.status !== 'pending' && s.status.state !== 'pending') [why, kind] = [s.status.message ?? `${s.attempt.provider} lost the machine`, s.status.state === 'lost' ? 'lost' : 'provider-error'];
    else {
      const limit = await (deps.pendingStarts?.deadlineSeconds(s.attempt.provider) ?? deps.reconcile.startDeadlineSeconds);
      if ((now.getTime() - Date.parse(s.attempt.createdAt)) / 1000 > limit) [why, kind] = [`did not start within ${limit}s`, 'start-missed'];
    }
    if (!why) continue;
    const release = await requestRelease(deps, s.attempt);
    change.attempt(s.attempt.id, { status: 'failed', endedAt: at }, why);
    applyRelease(change, s.attempt, release, now, retry);
    ended.push({ attempt: s.attempt, ...(kind ? { kind } : {}) });
  }
  if (ended.length === 0) return 'unchanged';
  const none = ended.length === seen.length;
  if (none) change.status('placing', `failing over: neither hedged attempt started`).lease(undefined);
  await deps.store.write(change.build());
  for (const e of ended) if (e.kind) await recordOutcome(deps, e.attempt, e.kind, at);
  if (none) await deps.queue.send({ jobId: job.id });
  return 'changed';
};
