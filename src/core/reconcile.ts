// The reconciler: runs on a schedule, looks at every job that is not finished (or still
// holds a provider resource), and moves it along: polls attempts, records starts and
// ends, times jobs out, fails over on lost machines or missed start deadlines, stops
// cancelled attempts, and re-enqueues jobs whose enqueue was lost. Every attempt that
// ends is counted for or against its provider and has its resource stopped until the
// provider confirms it is gone (./release.ts); on a slower cadence it sweeps the
// providers for resources no live attempt owns.
import type { Attempt, Job } from './job.js';
import { liveAttempt, liveAttempts, needsReconcile } from './job.js';
import { advanceHedged, launchHedge } from './hedge.js';
import { judgePending, PendingStarts } from './pending-start.js';
import { stopCancelledAttempts, type DispatchDeps } from './dispatch.js';
import { recordOutcome } from './attempt-records.js';
import { ConflictError, type PassShard } from './ports.js';
import { readyToSettle, writeEnding } from './settlement.js';
import { ProviderError, type AttemptRef, type Provider, type StatusAnswer } from './provider.js';
import { attemptRefOf } from './launch-state.js';
import { exitReason, observeAttempt, outputTailOf, type ObservedStatus } from './agent-signals.js';
import type { AttemptOutcomeKind } from './reliability.js';
import { applyRelease, DEFAULT_RELEASE_RETRY, releaseEndedAttempts, requestRelease, type ReleaseRetryConfig } from './release.js';
import { PassLosses, processStartedAt, DEFAULT_RESTART_WARMUP_SECONDS, type RestartAwareness } from './restart-losses.js';
import { sweepIfDue, type SweepSummary } from './sweep.js';
import { runPool } from './work-pool.js';
import { quietOnListing, readPage, type PageRead } from './reconcile-page.js';

import type { StatusReadCounts } from './status-reads.js';
import { JobChange } from './transitions.js';
import { launchMayBeInFlight, leaseHeld, recentlyTouched } from './lease.js';
import { capacityBackoffSeconds, capacityWaitAfter } from './capacity-wait.js';
import { FreedCapacity } from './capacity-freed.js';
import { DEFAULT_START_DEADLINE_SECONDS } from './start-deadline.js';

export interface ReconcileConfig extends RestartAwareness {
  /** Jobs examined at once in a pass (default 8), and at most this many per provider (default 4). */
  concurrency?: number;
  perProviderConcurrency?: number;
  /** A job queued (or placing with an expired lease) this long is enqueued again. */
  requeueAfterSeconds: number;
  /** An attempt not running this long after launch is abandoned for the next offer. */
  startDeadlineSeconds: number;
  /** Jobs read from the index per shard and page; a pass reads page after page, up to maxPagesPerPass. */
  batchSize: number;
  /** Pages a pass reads at most (default 20): the rest waits for the next pass, which starts over. */
  maxPagesPerPass?: number;
  /** How often the orphan sweep lists each provider's resources; never when unset. */
  sweepIntervalSeconds?: number;
  /** Backoff between stop requests for an ended attempt the provider has not confirmed gone. */
  releaseRetry?: ReleaseRetryConfig;
  /** Retries of a throttled status read inside a pass, and the longest Retry-After waited out (./status-reads.ts). */
  maxThrottleRetries?: number;
  maxRetryAfterSeconds?: number;
  /** Waits out a Retry-After (a real timer when unset). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RECONCILE_CONFIG: ReconcileConfig = {
  requeueAfterSeconds: 60,
  startDeadlineSeconds: DEFAULT_START_DEADLINE_SECONDS,
  batchSize: 500,
  sweepIntervalSeconds: 300,
};

/** `losses` is the pass's evidence for judging unknown attempts (./restart-losses.ts); set by reconcileOnce. */
export type ReconcileDeps = DispatchDeps & { reconcile: ReconcileConfig; losses?: PassLosses; pendingStarts?: PendingStarts; freed?: FreedCapacity };

export interface ReconcileSummary {
  examined: number;
  requeued: number;
  changed: number;
  conflicts: number;
  errors: number;
  /** Jobs the listing and the page's batched reads showed needing nothing: not read again, not written. */
  quiet: number;
  /** Calls made to providers for status reads (a batch is one call) and how many were throttled. */
  statusCalls: number;
  throttled: number;
  /** Jobs waiting for capacity woken because this pass freed machines where they may run. */
  woken: number;
  /** Set on the runs that swept the providers for orphaned resources. */
  sweep?: SweepSummary;
}

/**
 * One reconcile pass, or one shard of it (`shard`: this invocation's share of the index, see
 * ./reconcile-shards.ts; the whole index when unset). The orphan sweep runs in shard 0 only.
 */
export const reconcileOnce = async (deps: ReconcileDeps, shard?: PassShard): Promise<ReconcileSummary> => {
  const summary: ReconcileSummary = { examined: 0, requeued: 0, changed: 0, conflicts: 0, errors: 0, quiet: 0, statusCalls: 0, throttled: 0, woken: 0 };
  const startedAt = processStartedAt(deps.reconcile, deps.clock.now());
  const losses = new PassLosses(startedAt, deps.reconcile.restartWarmupSeconds ?? DEFAULT_RESTART_WARMUP_SECONDS);
  const freed = new FreedCapacity();
  const passDeps: ReconcileDeps = { ...deps, losses, freed, pendingStarts: new PendingStarts(deps, deps.reconcile.startDeadlineSeconds) };
  const limits = { concurrency: deps.reconcile.concurrency ?? 8, perKey: deps.reconcile.perProviderConcurrency ?? 4 };
  // Page after page of the index: jobs nothing changes stay oldest, so reading only the first
  // page would leave every job behind them unexamined (a restart with many live attempts).
  // A job changed on one page moves to the index's end and may be listed again: once per pass.
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < (deps.reconcile.maxPagesPerPass ?? 20); page++) {
    const listed = await deps.store.needingReconcilePage(deps.reconcile.batchSize, cursor, shard);
    const fresh = listed.jobs.filter((job) => !seen.has(job.id) && seen.add(job.id));
    summary.examined += fresh.length;
    await reconcileListed(deps, passDeps, fresh, limits, summary);
    cursor = listed.cursor;
    if (!cursor) break;
  }
  await losses.flush(deps, deps.clock.now());
  // Machines this pass freed wake jobs waiting for capacity there (./capacity-freed.ts).
  summary.woken = await freed.wake(deps, deps.clock.now());
  if (deps.reconcile.sweepIntervalSeconds !== undefined && (shard?.index ?? 0) === 0) {
    const sweep = await sweepIfDue(deps, deps.reconcile.sweepIntervalSeconds);
    if (sweep) summary.sweep = sweep;
  }
  return summary;
};

const reconcileListed = async (
  deps: ReconcileDeps,
  passDeps: ReconcileDeps,
  jobs: Job[],
  limits: { concurrency: number; perKey: number },
  summary: ReconcileSummary,
): Promise<void> => {
  const counts: StatusReadCounts = { calls: 0, throttled: 0 };
  const reads = await readPage(passDeps, jobs, {
    concurrency: limits.concurrency,
    perProvider: limits.perKey,
    ...(deps.reconcile.maxThrottleRetries !== undefined ? { maxThrottleRetries: deps.reconcile.maxThrottleRetries } : {}),
    ...(deps.reconcile.maxRetryAfterSeconds !== undefined ? { maxRetryAfterSeconds: deps.reconcile.maxRetryAfterSeconds } : {}),
    ...(deps.reconcile.sleep ? { sleep: deps.reconcile.sleep } : {}),
  }, counts);
  summary.statusCalls += counts.calls;
  summary.throttled += counts.throttled;
  await runPool(jobs, (job) => liveAttempt(job)?.provider ?? '', limits, async (listed) => {
    const read = reads.get(listed.id);
    if (read && 'status' in read.answer) passDeps.losses?.sawAnswer(liveAttempt(listed)!.provider);
    if (leaseHeld(deps.config, listed, deps.clock.now())) passDeps.freed?.sleeping(listed);
    if (quietOnListing(passDeps, listed, read)) {
      summary.quiet++;
      return;
    }
    try {
      // The index is eventually consistent: act on the job as the table has it now.
      const job = await deps.store.get(listed.id);
      if (!job || !needsReconcile(job)) return;
      const outcome = await reconcileJob(passDeps, job, read);
      if (outcome === 'requeued') summary.requeued++;
      if (outcome === 'changed') summary.changed++;
    } catch (error) {
      if (error instanceof ConflictError) summary.conflicts++; // someone else moved it; next run looks again
      else {
        summary.errors++;
        deps.log?.('reconcile failed for job', { jobId: listed.id, error: String(error) });
      }
    }
  });
};

type Outcome = 'requeued' | 'changed' | 'unchanged';

const secondsSince = (iso: string | undefined, now: Date): number =>
  iso ? (now.getTime() - Date.parse(iso)) / 1000 : Number.POSITIVE_INFINITY;

/** `read`: what the page's batched reads found for the job's live attempt (read again when absent or for another attempt). */
export const reconcileJob = async (deps: ReconcileDeps, listed: Job, read?: PageRead): Promise<Outcome> => {
  // First the stop requests that are due for attempts that ended earlier, then the job itself.
  const released = await releaseEndedAttempts(deps, listed, deps.reconcile.releaseRetry);
  const outcome = await advanceJob(deps, released.job, read);
  return released.changed && outcome === 'unchanged' ? 'changed' : outcome;
};

const advanceJob = async (deps: ReconcileDeps, job: Job, read?: PageRead): Promise<Outcome> => {
  const now = deps.clock.now();
  if (job.attempts.some((a) => a.status === 'cancelling')) {
    for (const a of job.attempts) if (a.status === 'cancelling') deps.freed?.ended(a.provider);
    await stopCancelledAttempts(deps, job);
    return 'changed';
  }
  switch (job.status) {
    case 'queued':
    case 'placing': {
      // A job waiting for capacity is enqueued as soon as its backoff (the lease) is over.
      if (leaseHeld(deps.config, job, now) || recentlyTouched(deps.config, job, now, deps.reconcile.requeueAfterSeconds)) return 'unchanged';
      await deps.queue.send({ jobId: job.id });
      return 'requeued';
    }
    case 'starting':
    case 'running': {
      // A hedged start races two attempts: ./hedge.ts keeps the first to run.
      if (liveAttempts(job).length > 1) return advanceHedged(deps, job);
      const attempt = liveAttempt(job);
      if (!attempt) return failover(deps, job, undefined, 'no live attempt was found');
      // The page's answer was read for the job as listed; once the job has moved on (a launch
      // recorded its handle, a release was written), the attempt is read again as it is now.
      const current = read?.attemptId === attempt.id && read.jobVersion === job.version ? read : undefined;
      return advanceAttempt(deps, job, attempt, current);
    }
    default:
      return settle(deps, job);
  }
};

/**
 * A terminal job is settled in the write that ended it (./settlement.ts); this catches the rest
 * (a job cancelled while its stop time was unknown, or ended before settlement moved into that
 * write). The job stays in the reconcile index until it is settled.
 */
const settle = async (deps: ReconcileDeps, job: Job): Promise<Outcome> => {
  if (!readyToSettle(job)) return 'unchanged';
  await writeEnding(deps, new JobChange(job, deps.clock.now().toISOString()));
  return 'changed';
};

const readStatus = async (provider: Provider, ref: AttemptRef): Promise<StatusAnswer> => {
  try {
    return { status: await provider.status(ref) };
  } catch (error) {
    return { error: error instanceof ProviderError ? error : new ProviderError('transient', String(error)) };
  }
};

const advanceAttempt = async (deps: ReconcileDeps, job: Job, attempt: Attempt, read?: PageRead): Promise<Outcome> => {
  const now = deps.clock.now();
  if (attempt.startedAt && secondsSince(attempt.startedAt, now) > job.spec.maxDurationSeconds) {
    return finish(deps, job, attempt, 'timed_out', `ran longer than maxDurationSeconds (${job.spec.maxDurationSeconds}s)`);
  }
  const provider = deps.providers.get(attempt.provider);
  // Our configuration changed, not the provider's behaviour: nothing to count against it.
  if (!provider) return failover(deps, job, attempt, `provider ${attempt.provider} is no longer configured`);
  const answer = read?.answer ?? (await readStatus(provider, await attemptRefOf(deps.launchStates, job, attempt, deps.log)));
  if ('error' in answer) {
    const { error } = answer;
    if (error.kind === 'unknown-job') {
      // Still launching with no handle yet: the dispatcher may be mid-launch; give it its lease.
      if (launchMayBeInFlight(deps.config, attempt, now)) return 'unchanged';
      // A lost machine: fail over now; whether it counts against the provider is judged after the pass.
      const outcome = await failover(deps, job, attempt, `${attempt.provider} no longer knows the attempt`, undefined, { lostBy: 'provider' });
      deps.losses?.sawUnknown(attempt, now.toISOString());
      return outcome;
    }
    if (error.kind !== 'transient') {
      return failover(deps, job, attempt, `${attempt.provider} status failed (${error.kind}): ${error.message}`, 'provider-error');
    }
    return 'unchanged'; // transient: try again next run
  }
  deps.losses?.sawAnswer(attempt.provider);
  // The job agent's reports (exit code, heartbeats) correct the provider's view: ./agent-signals.ts.
  // The agent record is read again here (consistently): the page's batch copy only judged quietness.
  const status: ObservedStatus = await observeAttempt(deps, job, attempt, answer.status);
  const at = now.toISOString();
  switch (status.state) {
    case 'pending': {
      // The start deadline is learned per provider; a late start may hedge or move (./pending-start.ts).
      const verdict = await judgePending(deps.pendingStarts, deps.reconcile.startDeadlineSeconds, job, attempt, provider.kind, now, deps.config.maxAttempts);
      if (verdict.kind === 'give-up') {
        // Still in the provider's queue for a machine: no capacity yet (no try spent), not a failed start.
        if (verdict.outcome === 'start-missed' && status.queuedForCapacity) {
          return waitAfterNoCapacity(deps, job, attempt, `${verdict.reason}: still queued at ${attempt.provider} for a machine`);
        }
        return failover(deps, job, attempt, verdict.reason, verdict.outcome, verdict.moved ? { movedOff: 'late-start' } : {});
      }
      if (verdict.kind === 'hedge') return (await launchHedge(deps, job, attempt, verdict.lateSeconds)) ? 'changed' : 'unchanged';
      return 'unchanged';
    }
    case 'running': {
      if (job.status === 'running' && attempt.status === 'running') return 'unchanged';
      const change = new JobChange(job, at)
        .attempt(attempt.id, { status: 'running', startedAt: attempt.startedAt ?? at }, 'running at the provider')
        .status('running', `running on ${attempt.provider}`);
      await deps.store.write(change.build());
      // A machine runs: the provider's outage is over, its breaker closes now (not at the run's end).
      try {
        await deps.stats?.clearBreaker(attempt.provider, at);
      } catch (error) {
        deps.log?.('provider breaker not cleared', { provider: attempt.provider, error: String(error) });
      }
      return 'changed';
    }
    case 'succeeded':
      return finish(deps, job, attempt, 'succeeded', exitReason(attempt.provider, status), status);
    case 'failed':
      if (status.timedOut) return finish(deps, job, attempt, 'timed_out', status.message ?? 'hit the time limit', status);
      if (status.providerFault) return failover(deps, job, attempt, status.message ?? `${attempt.provider} failed the attempt`, 'provider-error');
      return finish(deps, job, attempt, 'failed', exitReason(attempt.provider, status), status);
    case 'lost':
      if (status.noCapacity) return waitAfterNoCapacity(deps, job, attempt, status.message ?? `${attempt.provider} had no capacity`);
      return failover(deps, job, attempt, status.message ?? `${attempt.provider} lost the machine`, 'lost', { lostBy: status.lostBy ?? 'provider' });
  }
};

/**
 * The provider ended the attempt before it ever had a machine, for lack of capacity: like a
 * refused launch it spends no failover budget and the job waits with backoff (tried again, the
 * offer may take it), until maxQueueSeconds from its first capacity refusal; then it fails.
 */
const waitAfterNoCapacity = async (deps: ReconcileDeps, job: Job, attempt: Attempt, reason: string): Promise<Outcome> => {
  const now = deps.clock.now();
  const wait = capacityWaitAfter(job, attempt, now);
  if (!wait) return finish(deps, job, attempt, 'failed', `no capacity within maxQueueSeconds: ${reason}`);
  const release = await requestRelease(deps, attempt);
  const at = now.toISOString();
  const backoff = capacityBackoffSeconds(wait.tries - 1);
  const change = new JobChange(job, at).attempt(attempt.id, { status: 'failed', endedAt: at, refusedFor: 'capacity' }, reason);
  if (release) applyRelease(change, attempt, release, now, deps.reconcile.releaseRetry ?? DEFAULT_RELEASE_RETRY);
  change
    .status('placing', `failing over: ${reason}`)
    .status('queued', `waiting for capacity (next try in ${backoff}s): ${reason}`)
    .lease(new Date(now.getTime() + backoff * 1000).toISOString())
    .capacityWait(wait);
  await deps.store.write(change.build());
  await recordOutcome(deps, attempt, 'refused', at);
  return 'changed';
};

const finish = async (
  deps: ReconcileDeps,
  job: Job,
  attempt: Attempt,
  to: 'succeeded' | 'failed' | 'timed_out',
  reason: string,
  status?: ObservedStatus,
): Promise<Outcome> => {
  const release = await requestRelease(deps, attempt);
  deps.freed?.ended(attempt.provider);
  const at = deps.clock.now().toISOString();
  const outputTail = await outputTailOf(deps, job, attempt, status);
  const change = new JobChange(job, at).attempt(
    attempt.id,
    {
      status: to,
      startedAt: attempt.startedAt ?? at,
      endedAt: at,
      ...(status?.exitCode !== undefined ? { exitCode: status.exitCode, exitCodeSource: status.exitCodeSource ?? 'provider' } : {}),
      ...(outputTail !== undefined ? { outputTail } : {}),
    },
    reason,
  );
  applyRelease(change, attempt, release, deps.clock.now(), deps.reconcile.releaseRetry ?? DEFAULT_RELEASE_RETRY);
  if (job.status === 'starting' && to !== 'timed_out') change.status('running', `running on ${attempt.provider}`);
  change.status(to, reason);
  // The terminal state, the cost and the ledger's charge: one write.
  await writeEnding(deps, change);
  // The provider delivered a machine that ran the command; how the command did is not its fault.
  await recordOutcome(deps, attempt, 'delivered', at);
  return 'changed';
};

/**
 * End the attempt as the provider's fault, count it against the provider (when `kind` is
 * given) and hand the job back to the dispatcher. The attempt's resource is stopped first
 * (a "lost" machine may still be billing); what the provider said goes into the same write,
 * and an unconfirmed stop is asked again on later passes (./release.ts).
 */
const failover = async (
  deps: ReconcileDeps,
  job: Job,
  attempt: Attempt | undefined,
  reason: string,
  kind?: AttemptOutcomeKind,
  extra: Pick<Attempt, 'lostBy' | 'movedOff'> = {},
): Promise<Outcome> => {
  const release = attempt ? await requestRelease(deps, attempt) : undefined;
  if (attempt) deps.freed?.ended(attempt.provider);
  const at = deps.clock.now().toISOString();
  const change = new JobChange(job, at);
  if (attempt) change.attempt(attempt.id, { status: 'failed', endedAt: at, ...extra }, reason);
  if (attempt && release) applyRelease(change, attempt, release, deps.clock.now(), deps.reconcile.releaseRetry ?? DEFAULT_RELEASE_RETRY);
  change.status('placing', `failing over: ${reason}`).lease(undefined);
  await deps.store.write(change.build());
  if (attempt && kind) await recordOutcome(deps, attempt, kind, at);
  await deps.queue.send({ jobId: job.id });
  return 'changed';
};
