// A small seeded chaos run (bench/chaos/run.ts): the real `npm start --data` as a process group,
// one kill -9 of everything with a restart on the same data, injected faults, hostile requests.
// Asserts the invariants, never timings.
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos/run.js';

describe('chaos (30 jobs, 1 kill -9)', () => {
  it('loses nothing, charges once, balances, and never answers 5xx or resets', async () => {
    // The wait ends as soon as every job is terminal; its bound must cover a job whose enqueue was
    // dropped (requeued by the reconciler) and whose launch then hung: the local start deadline is
    // 120 s before it fails over, so 150 s left such a job `starting` on a slow machine.
    const f = await runChaos({ jobs: 30, kills: 1, seed: 20261203, waitSeconds: 360, concurrency: 2 });
    expect(f.jobs.accepted).toBe(30);
    expect(f.idempotencyConflicts).toBe(0);
    expect(f.lostAnswers, "jobs accepted but not found").toEqual([]);
    expect(f.lost).toBe(0);
    expect(f.stuckIds).toEqual([]);
    expect(f.chargedTwice).toBe(0);
    expect(f.chargedForAnothersMachine).toBe(0);
    expect(f.trialBalanceMicroUsd).toBe(0);
    expect(f.ledgerViolations).toEqual([]);
    expect(f.usageMicroUsd).toBe(f.jobCostsMicroUsd);
    expect(f.terminalWithoutCost).toBe(0);
    expect(f.http.status5xx).toBe(0);
    expect(f.http.resets).toBe(0);
    expect(f.runTwice.market).toBe(0);
    // From the marker lines the commands leave: the local provider adopts or reports its runs across the kill.
    expect(f.runTwice.local).toBe(0);
    expect(f.kills).toBe(1);
    expect(Object.values(f.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 540_000);
});
