// Failover invariants through the real dispatcher, reconciler and orphan sweep, over random
// markets (prices, kinds, start delays, run times) and random failure sequences (refused
// launches, lost machines, hangs, launches whose answer is lost, cancels that fail, racing
// duplicate deliveries, customer cancels). An in-memory store keeps thousands of steps fast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatchJob, type DispatchDeps } from '../../src/core/dispatch.js';
import { isTerminal, liveAttempt, LIVE_ATTEMPT_STATUSES, type Job, type JobSpec } from '../../src/core/job.js';
import { cancelJob, submitJob } from '../../src/core/jobs-service.js';
import { ProviderError, registryOf, type AttemptRef, type LaunchRequest } from '../../src/core/provider.js';
import { reconcileOnce, type ReconcileDeps } from '../../src/core/reconcile.js';
import { DEFAULT_RELIABILITY_CONFIG } from '../../src/core/reliability.js';
import { InMemoryProviderStats } from '../../src/core/reliability-store.js';
import { sweepOrphans } from '../../src/core/sweep.js';
import { mulberry32, SimProvider, type SimProviderConfig } from '../../src/providers/sim/sim-provider.js';
import { ManualClock } from '../support/sim.js';
import { MemoryJobStore, MemoryQueue } from './placement-harness.js';

/** A sim whose launch answer is sometimes lost after the machine started, and whose cancel sometimes fails. */
class FaultySim extends SimProvider {
  cancelsWork = false;
  constructor(
    config: SimProviderConfig,
    clock: ManualClock,
    private readonly ghostRate: number,
    private readonly cancelFailRate: number,
    private readonly rng: () => number,
  ) {
    super(config, clock);
  }
  override async launch(request: LaunchRequest) {
    const result = await super.launch(request);
    if (this.rng() < this.ghostRate) throw new ProviderError('transient', 'connection reset after the launch was accepted');
    return result;
  }
  override async cancel(ref: AttemptRef) {
    if (!this.cancelsWork && this.rng() < this.cancelFailRate) throw new ProviderError('transient', '502 from the provider');
    return super.cancel(ref);
  }
}

const NAMES = ['net-a', 'net-b', 'net-c', 'cloud-x', 'cloud-y'];

const providerArb = (name: string) =>
  fc.record({
    name: fc.constant(name),
    kind: fc.constant(name.startsWith('cloud') ? ('cloud' as const) : ('decentralized' as const)),
    price: fc.double({ min: 0.2, max: 8, noNaN: true }),
    startDelayMs: fc.integer({ min: 0, max: 150_000 }), // past the 60 s start deadline: a hang
    runTimeMs: fc.integer({ min: 10_000, max: 900_000 }),
    refuseRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
    failureRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
    ghostRate: fc.double({ min: 0, max: 0.4, noNaN: true }),
    cancelFailRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
  });

const jobArb: fc.Arbitrary<JobSpec> = fc.record({
  image: fc.constant('img'),
  command: fc.constant(['run']),
  resources: fc.constant({ gpu: { models: ['H100'], count: 1 } }),
  maxDurationSeconds: fc.integer({ min: 30, max: 1200 }),
  maxPricePerGpuHourUsd: fc.double({ min: 0.5, max: 8, noNaN: true }),
  placement: fc.record({
    strategy: fc.constantFrom('cheapest', 'fastest', 'balanced' as const),
    fallback: fc.constantFrom('cloud', 'none' as const),
    networks: fc.option(fc.subarray(NAMES, { minLength: 1 }), { nil: undefined }),
  }),
}).map((s) => JSON.parse(JSON.stringify(s)) as JobSpec);

type Action =
  | { kind: 'submit'; spec: JobSpec }
  | { kind: 'dispatch'; duplicate: boolean }
  | { kind: 'reconcile' }
  | { kind: 'advance'; ms: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'sweep' };

// Weighted so that most sequences run jobs through several attempts; cancels and sweeps are rarer.
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: jobArb.map((spec) => ({ kind: 'submit' as const, spec })), weight: 3 },
  { arbitrary: fc.boolean().map((duplicate) => ({ kind: 'dispatch' as const, duplicate })), weight: 4 },
  { arbitrary: fc.constant({ kind: 'reconcile' as const }), weight: 4 },
  { arbitrary: fc.integer({ min: 1_000, max: 400_000 }).map((ms) => ({ kind: 'advance' as const, ms })), weight: 4 },
  { arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'sweep' as const }), weight: 1 },
);

const checkAlways = (jobs: Iterable<Job>, kindOf: Map<string, string>) => {
  for (const job of jobs) {
    const live = job.attempts.filter((a) => LIVE_ATTEMPT_STATUSES.has(a.status));
    expect(live.length).toBeLessThanOrEqual(1);
    if (isTerminal(job.status)) expect(live).toEqual([]);
    for (const a of job.attempts) {
      expect(a.pricePerGpuHourUsd).toBeLessThanOrEqual(job.spec.maxPricePerGpuHourUsd);
      if (job.spec.placement.networks) expect(job.spec.placement.networks).toContain(a.provider);
      if (kindOf.get(a.provider) === 'cloud') expect(job.spec.placement.fallback).toBe('cloud');
    }
    // Failover moves on: an offer is tried at most twice, the second time only after its
    // first machine was launched and lost (never right after a refused launch).
    job.attempts.forEach((a, i) => {
      // A capacity refusal is no try, nor is a launch still transient after its retries: the job
      // waits and asks the same offers again after its backoff.
      const earlier = job.attempts.slice(0, i).filter((b) => b.provider === a.provider && b.offerId === a.offerId && b.refusedFor === undefined);
      expect(earlier.length).toBeLessThanOrEqual(1);
      if (earlier.length === 1) expect(earlier[0]!.providerRef ?? earlier[0]!.lostBy, 'retried only after a launched machine was lost').toBeDefined();
    });
  }
};

describe('failover invariants over random markets and failure sequences', () => {
  it('never over the ceiling, never outside the allow-list, clouds only with fallback, one live attempt, nothing left running', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...NAMES.map(providerArb)).chain((ps) => fc.subarray(ps, { minLength: 1 })),
        fc.array(actionArb, { minLength: 5, maxLength: 40 }),
        fc.integer(),
        async (market, actions, seed) => {
          const clock = new ManualClock();
          const rng = mulberry32(seed);
          const sims = market.map(
            (p, i) =>
              new FaultySim(
                { name: p.name, kind: p.kind, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: p.price }], startDelayMs: p.startDelayMs, runTimeMs: p.runTimeMs, refuseRate: p.refuseRate, failureRate: p.failureRate, seed: seed + i },
                clock,
                p.ghostRate,
                p.cancelFailRate,
                rng,
              ),
          );
          const kindOf = new Map(market.map((p) => [p.name, p.kind as string]));
          const store = new MemoryJobStore();
          const queue = new MemoryQueue();
          const deps: ReconcileDeps & DispatchDeps = {
            store,
            queue,
            providers: registryOf(sims),
            clock,
            // A short breaker so random sequences trip, probe and close it.
            stats: new InMemoryProviderStats({ ...DEFAULT_RELIABILITY_CONFIG, breakerThreshold: 2, breakerCooldownSeconds: 120 }),
            // Launch retries without real sleeps: ghost launches are transient, and each retry's
            // backoff is wall time (the ManualClock does not drive it).
            config: { leaseSeconds: 120, maxAttempts: 6, launchRetry: { tries: 3, baseMs: 1, maxWaitMs: 5000 } },
            reconcile: { requeueAfterSeconds: 30, startDeadlineSeconds: 60, batchSize: 100 },
          };
          const dispatchAll = async (duplicate: boolean) => {
            for (const id of queue.drain()) {
              // A duplicate delivery races the first one through the same conditional writes.
              await Promise.all([dispatchJob(deps, id), ...(duplicate ? [dispatchJob(deps, id)] : [])].map((p) => p.catch(() => 'error')));
            }
          };
          for (const action of actions) {
            switch (action.kind) {
              case 'submit':
                await submitJob(deps, 't', action.spec);
                break;
              case 'dispatch':
                await dispatchAll(action.duplicate);
                break;
              case 'reconcile':
                await reconcileOnce(deps);
                break;
              case 'advance':
                clock.advance(action.ms);
                break;
              case 'cancel': {
                const open = [...store.jobs.values()].filter((j) => !isTerminal(j.status));
                if (open.length > 0) await cancelJob(deps, 't', open[action.pick % open.length]!.id);
                break;
              }
              case 'sweep':
                await sweepOrphans(deps);
                break;
            }
            checkAlways(store.jobs.values(), kindOf);
          }

          // Let the market settle: providers answer cancels again, time passes, every job ends.
          for (const s of sims) s.cancelsWork = true;
          for (let i = 0; i < 400 && [...store.jobs.values()].some((j) => !isTerminal(j.status) || liveAttempt(j)); i++) {
            clock.advance(300_000);
            await reconcileOnce(deps);
            await dispatchAll(false);
            checkAlways(store.jobs.values(), kindOf);
          }
          expect([...store.jobs.values()].every((j) => isTerminal(j.status))).toBe(true);
          await sweepOrphans(deps);
          // Nothing Switchyard launched is still running anywhere once every job has ended.
          for (const s of sims) expect(s.liveAttemptIds()).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
    // A few seconds alone; CI runs it beside the chaos run on two cores.
  }, 120_000);
});
