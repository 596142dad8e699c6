// GET /v1/providers reports health from what Switchyard measured, not only what a
// provider says of itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { sim } from '../support/sim.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false, providers: [sim({ name: 'sim-broken' }), sim({ name: 'sim-shaky' }), sim({ name: 'sim-fine' })] });
});
afterAll(() => system.stop());

// One after another: each outcome updates the provider's one stats record.
const record = async (provider: string, kind: 'lost' | 'delivered', n: number) => {
  for (let i = 0; i < n; i++) {
    await system.deps.stats!.record({ attemptId: `${provider}-${kind}-${i}`, provider, gpuModel: 'H100', kind, at: new Date().toISOString() });
  }
};

describe('provider health', () => {
  it('is "down" while the breaker is open, "degraded" after recent faults, else as reported', async () => {
    await record('sim-broken', 'lost', 6); // past the breaker's threshold of 5 in a row
    await record('sim-shaky', 'lost', 1);
    await record('sim-fine', 'delivered', 3);
    const res = await api(system, 'GET', '/v1/providers');
    const health = Object.fromEntries(res.body.items.map((p: any) => [p.name, p.health]));
    expect(health).toEqual({ 'sim-broken': 'down', 'sim-shaky': 'degraded', 'sim-fine': 'healthy' });
  });
});
