// The breaker is the fast outage state: it opens on a burst of failures and closes as soon as
// one of the provider's machines is running again — not when that run ends, hours later.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { DEFAULT_RELIABILITY_CONFIG as C, breakerState, withBreakerCleared } from '../../src/core/reliability.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe('the breaker clears when a machine runs', () => {
  it('closes the breaker at the probe machine\'s start, so the next job may go there at once', async () => {
    const clock = new ManualClock();
    const cheap = sim({ name: 'sim-cheap', runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 0.5 }] }, clock);
    const dear = sim({ name: 'sim-dear', runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1.5 }] }, clock);
    const s = (system = await startTestSystem({ loops: false, clock, providers: [cheap, dear] }));
    const stats = s.deps.stats!;
    // An outage: a burst of lost machines opens sim-cheap's breaker.
    for (let i = 0; i < C.breakerThreshold; i++) {
      await stats.record({ attemptId: `old-${i}`, provider: 'sim-cheap', gpuModel: 'H100', kind: 'lost', at: clock.now().toISOString(), startSeconds: 5, runSeconds: 60 });
    }
    expect(breakerState((await stats.getMany(['sim-cheap'])).get('sim-cheap'), clock.now())).toBe('open');

    clock.advance(C.breakerCooldownSeconds * 1000 + 1_000); // half-open: one probe may go
    const probe = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    expect((await s.store.get(probe))!.attempts.at(-1)!.provider).toBe('sim-cheap');
    await s.reconcile(); // the probe's machine is running; its hour-long run is far from over
    expect((await s.store.get(probe))!.status).toBe('running');
    const after = (await stats.getMany(['sim-cheap'])).get('sim-cheap')!;
    expect(breakerState(after, clock.now())).toBe('closed');
    expect(after.consecutiveFailures).toBe(0);
    expect(after.models.H100!.failures).toBeGreaterThan(4); // the chronic rate keeps the outage in memory

    const next = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    expect((await s.store.get(next))!.attempts.at(-1)!.provider).toBe('sim-cheap');
  });

  it('has nothing to clear on a provider with no streak', () => {
    const quiet = { provider: 'p', models: {}, consecutiveFailures: 0, trips: 0, updatedAt: '2026-01-01T00:00:00Z' };
    expect(withBreakerCleared(quiet as never, '2026-01-01T00:01:00Z')).toBeUndefined();
    expect(withBreakerCleared({ ...quiet, consecutiveFailures: 2 } as never, '2026-01-01T00:01:00Z')?.consecutiveFailures).toBe(0);
  });
});
