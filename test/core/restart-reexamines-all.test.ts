// After a restart, the first reconcile pass (one interval after start) reads the status of
// every attempt that was live at the crash, however many there are: more than a page, more
// than the pass's concurrency, more than its per-provider limit.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, inject } from 'vitest';
import type { AttemptRef } from '../../src/core/provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { CountingSim, ManualClock, simJob } from '../support/sim.js';

/** Counts status reads per attempt. */
class ReadCountingSim extends CountingSim {
  reads = new Map<string, number>();
  override async status(ref: AttemptRef) {
    this.reads.set(ref.attemptId, (this.reads.get(ref.attemptId) ?? 0) + 1);
    return super.status(ref);
  }
}

const systems: RunningSystem[] = [];
afterEach(async () => {
  for (const s of systems.splice(0)) await s.stop();
});

describe('restart', () => {
  it('the first pass after a restart re-examines every live attempt, each once', async () => {
    const clock = new ManualClock();
    // The provider outlives us (a real network does): the same instance serves both systems.
    const net = new ReadCountingSim(
      { name: 'sim-live', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }], startDelayMs: 0, runTimeMs: 3_600_000, failureRate: 0, seed: 3 },
      clock,
    );
    const shared = { loops: false, clock, providers: [net], tableName: `t_${randomBytes(6).toString('hex')}`, dynamoEndpoint: inject('dynamoEndpoint') };
    const before = await startTestSystem({ ...shared, reconcile: { batchSize: 3 } });
    systems.push(before);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await api(before, 'POST', '/v1/jobs', { body: simJob() })).body.id);
    for (let i = 0; i < 5 && net.launches.length < 30; i++) await before.queue.pollOnce();
    expect(net.launches).toHaveLength(30);
    await before.reconcile();
    for (const id of ids) expect((await before.store.get(id))!.status).toBe('running');
    await before.stop(); // what a crash leaves: 30 live attempts in the table
    systems.splice(0);

    net.reads.clear();
    clock.advance(1000);
    const after = await startTestSystem({ ...shared, reconcile: { batchSize: 3, concurrency: 4, perProviderConcurrency: 2 } });
    systems.push(after);
    const pass = await after.reconcile(); // what the loop runs one interval after the start
    expect(pass.examined).toBe(30);
    expect(net.reads.size).toBe(30);
    expect([...net.reads.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(net.reads.keys())).toEqual(new Set(net.launches));
  });
});
