// POST /v1/quotes leaves out a provider whose breaker is open, as the dispatcher does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

const clock = new ManualClock();
let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({
    loops: false,
    clock,
    providers: [
      sim({ name: 'sim-broken', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock),
      sim({ name: 'sim-fine', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock),
    ],
  });
});
afterAll(() => system.stop());

describe('quotes and the circuit breaker', () => {
  it('quotes the cheaper provider until its breaker opens, then leaves it out and says why', async () => {
    const before = (await api(system, 'POST', '/v1/quotes', { body: simJob() })).body;
    expect(before.offers.map((o: any) => o.provider)).toEqual(['sim-broken', 'sim-fine']);
    for (let i = 0; i < 6; i++) {
      await system.deps.stats!.record({ attemptId: `x-a${i}`, provider: 'sim-broken', gpuModel: 'H100', kind: 'lost', at: clock.now().toISOString() });
    }
    const after = await api(system, 'POST', '/v1/quotes', { body: simJob() });
    expect(after.status).toBe(200);
    expect(after.body.offers.map((o: any) => o.provider)).toEqual(['sim-fine']);
    expect(after.body.notes.join(' ')).toContain('sim-broken: out of rotation');
  });
});
