// The billedAfterEndSeconds part of `npm run bench:market`: a sample of jobs run through
// the real dispatcher and reconciler (in-memory store, one reconcile pass per minute as
// the EventBridge schedule runs it) on metered simulations of each network, whose
// machines bill from launch until a stop completes. Per network: how long machines
// outlived their attempts' recorded end, and how much of that was beyond the network's
// own stop time (must be 0).
//
// Stop times are ASSUMPTIONS, not measurements of the real networks: a few seconds for
// APIs that destroy at once (Vast.ai, RunPod), a chain transaction for Akash and Nosana,
// minutes for the batch clouds to tear a VM down. Failure rates come from the bench world.
import { dispatchJob, type DispatchDeps } from '../src/core/dispatch.js';
import { billedAfterEnd, type BilledAfterEnd, type ResourceLife } from '../src/core/billed-after-end.js';
import { awaitingRelease, isTerminal, type JobSpec } from '../src/core/job.js';
import { submitJob } from '../src/core/jobs-service.js';
import { registryOf } from '../src/core/provider.js';
import { reconcileOnce, type ReconcileDeps } from '../src/core/reconcile.js';
import { InMemoryProviderStats } from '../src/core/reliability-store.js';
import { MeteredSim } from '../src/providers/sim/metered-sim.js';
import { MemoryJobStore, MemoryQueue } from '../test/core/placement-harness.js';
import { NETWORKS, u01 } from './market-world.js';

/** Assumed seconds from an accepted stop request to the machine being gone. */
export const STOP_SECONDS: Record<string, number> = {
  akash: 12,
  ionet: 30,
  nosana: 45,
  vastai: 5,
  runpod: 10,
  'gcp-batch': 90,
  'aws-batch': 120,
};

const RECONCILE_INTERVAL_MS = 60_000;

export interface ReleaseFigures extends BilledAfterEnd {
  stopSeconds: number;
  /** The worst attempt's billed-after-end time beyond the network's stop time. */
  maxBeyondStopSeconds: number;
  /** The worst time from the workload's own end (or the attempt's, if earlier) to the machine gone. */
  maxAfterWorkloadEndSeconds: number;
}

class Clock {
  t = Date.parse('2026-01-05T00:00:00Z');
  now = () => new Date(this.t);
}

export const runReleaseBench = async (seed: number, jobCount: number): Promise<Record<string, ReleaseFigures>> => {
  const clock = new Clock();
  const sims = NETWORKS.map(
    (n, i) =>
      new MeteredSim(
        {
          name: n.name,
          kind: n.kind,
          catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: n.shapes.find((s) => s.gpuModel === 'H100')?.pricePerGpuHourUsd ?? 3 }],
          startDelayMs: n.startMedianSeconds * 1000,
          runTimeMs: 8 * 60_000,
          stopDelayMs: (STOP_SECONDS[n.name] ?? 30) * 1000,
          refuseRate: n.failureRate * n.mix.refuse,
          failureRate: n.failureRate * n.mix.lost,
          exitFailureRate: 0.05,
          // Half the networks answer release() themselves, half go through cancel + status.
          nativeRelease: i % 2 === 0,
          seed: seed + i,
        },
        clock,
      ),
  );
  const store = new MemoryJobStore();
  const queue = new MemoryQueue();
  const deps: ReconcileDeps & DispatchDeps = {
    store,
    queue,
    providers: registryOf(sims),
    clock,
    stats: new InMemoryProviderStats(),
    config: { leaseSeconds: 120, maxAttempts: 6 },
    reconcile: { requeueAfterSeconds: 60, startDeadlineSeconds: 600, batchSize: 1000 },
  };
  const start = clock.t;
  const arrivals = Array.from({ length: jobCount }, (_, i) => start + Math.floor(u01(seed, i, 71) * 2 * 3600_000)).sort((a, b) => a - b);
  const spec = (i: number): JobSpec => ({
    image: 'bench',
    command: ['train'],
    resources: { gpu: { models: ['H100'], count: 1 } },
    maxDurationSeconds: 300 + Math.floor(u01(seed, i, 72) * 600), // under 8 minutes: the job times out
    maxPricePerGpuHourUsd: 20,
    // One network per job, in turn, so every network's stops are measured (not only the cheapest's).
    placement: { strategy: 'cheapest', fallback: 'cloud', networks: [NETWORKS[i % NETWORKS.length]!.name] },
  });
  let next = 0;
  for (let pass = 0; pass < 2000; pass++) {
    while (next < arrivals.length && arrivals[next]! <= clock.t) await submitJob(deps, 'bench', spec(next++));
    for (const id of queue.drain()) await dispatchJob(deps, id);
    clock.t += RECONCILE_INTERVAL_MS;
    await reconcileOnce(deps);
    const done = [...store.jobs.values()].every((j) => isTerminal(j.status) && j.settledAt !== undefined && !j.attempts.some(awaitingRelease));
    if (next >= arrivals.length && done && queue.messages.length === 0) break;
  }

  const endOf = new Map<string, number>();
  for (const job of store.jobs.values()) for (const a of job.attempts) if (a.endedAt) endOf.set(a.id, Date.parse(a.endedAt));
  const out: Record<string, ReleaseFigures> = {};
  for (const sim of sims) {
    const records = sim.records();
    const lives: ResourceLife[] = records.map((r) => ({ provider: sim.name, attemptId: r.attemptId, endedAt: endOf.get(r.attemptId) ?? clock.t, ...(r.goneAt !== undefined ? { goneAt: r.goneAt } : {}) }));
    const stopSeconds = sim.config.stopDelayMs / 1000;
    const base = billedAfterEnd(lives, clock.t)[sim.name] ?? { endedAttempts: 0, stillHeld: 0, billedAfterEndSeconds: 0, maxBilledAfterEndSeconds: 0 };
    const afterWorkload = records.map((r) => ((r.goneAt ?? clock.t) - Math.min(r.workloadEndAt, endOf.get(r.attemptId) ?? clock.t)) / 1000);
    out[sim.name] = {
      ...base,
      stopSeconds,
      maxBeyondStopSeconds: Math.max(0, base.maxBilledAfterEndSeconds - stopSeconds),
      maxAfterWorkloadEndSeconds: Math.max(0, ...afterWorkload),
    };
  }
  return out;
};

/** The figures bench:market prints and puts in its JSON, per network. */
export const releaseSummary = (released: Record<string, ReleaseFigures>) =>
  Object.fromEntries(
    Object.entries(released).map(([name, r]) => [
      name,
      {
        endedAttempts: r.endedAttempts,
        stillHeld: r.stillHeld,
        stopSeconds: r.stopSeconds,
        maxBilledAfterEndSeconds: r.maxBilledAfterEndSeconds,
        totalBilledAfterEndSeconds: r.billedAfterEndSeconds,
        maxBeyondStopSeconds: r.maxBeyondStopSeconds,
        maxAfterWorkloadEndSeconds: r.maxAfterWorkloadEndSeconds,
      },
    ]),
  );

export const printReleaseSummary = (summary: ReturnType<typeof releaseSummary>, jobs: number): void => {
  console.log(`\nbilledAfterEndSeconds — ${jobs} jobs through the real dispatcher and reconciler (1 pass/min), machines billing until stopped; stop times assumed`);
  console.log('network     machines  stop(s)  max after end(s)  total after end(s)  max beyond stop(s)  max after workload end(s)  still held');
  for (const [name, r] of Object.entries(summary)) {
    console.log(
      `  ${name.padEnd(10)} ${String(r.endedAttempts).padStart(8)} ${String(r.stopSeconds).padStart(8)} ${r.maxBilledAfterEndSeconds.toFixed(0).padStart(17)} ${r.totalBilledAfterEndSeconds.toFixed(0).padStart(19)} ${r.maxBeyondStopSeconds.toFixed(0).padStart(19)} ${r.maxAfterWorkloadEndSeconds.toFixed(0).padStart(26)} ${String(r.stillHeld).padStart(11)}`,
    );
  }
};
