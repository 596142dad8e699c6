// One reconcile pass covers the whole index, not only its oldest page: with more live attempts
// than a page holds (as after a restart), every one is looked at in the first pass.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe('reconcile pages', () => {
  it('examines every live attempt in one pass when there are more than a page holds, each once', async () => {
    const clock = new ManualClock();
    const net = sim({ name: 'sim-many', runTimeMs: 600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    // A page of 2 per shard (4 shards): 8 a page, and 20 jobs, so at least three pages.
    const s = (system = await startTestSystem({ loops: false, clock, providers: [net], reconcile: { batchSize: 2 } }));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id);
    for (let i = 0; i < 3; i++) await s.queue.pollOnce();
    expect(net.launches).toHaveLength(20);

    const pass = await s.reconcile();
    expect(pass.examined).toBe(20);
    for (const id of ids) expect((await s.store.get(id))!.status).toBe('running');
    // A second pass sees them all again (nothing hides behind an unchanged oldest page).
    clock.advance(600_000);
    expect((await s.reconcile()).examined).toBe(20);
    for (const id of ids) expect((await s.store.get(id))!.status).toBe('succeeded');
  });
});
