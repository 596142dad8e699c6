// Learned reliability through the whole system (API, DynamoDB Local, dispatcher,
// reconciler): lost machines count against a network, its breaker opens and traffic moves
// away, a half-open probe goes through alone, and regions constrain placement.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { DEFAULT_RELIABILITY_CONFIG as C, breakerState } from '../../src/core/reliability.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const submit = async (s: RunningSystem, extra: Record<string, unknown> = {}) => (await api(s, 'POST', '/v1/jobs', { body: simJob(extra) })).body.id as string;

describe('reliability-aware placement, end to end', () => {
  it('learns from lost machines, trips the breaker, probes once after the cool-down', async () => {
    const clock = new ManualClock();
    const flaky = sim({ name: 'sim-flaky', failureRate: 1, runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 0.5 }] }, clock);
    const steady = sim({ name: 'sim-steady', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1.5 }] }, clock);
    const s = await startTestSystem({ loops: false, clock, providers: [flaky, steady] });
    system = s;
    const stats = s.deps.stats!;

    const first = [];
    for (let i = 0; i < C.breakerThreshold; i++) first.push(await submit(s));
    await s.queue.pollOnce();
    expect(flaky.launches).toHaveLength(C.breakerThreshold); // cheapest, no history yet
    await s.reconcile(); // running
    clock.advance(6_000); // every flaky machine is lost halfway
    await s.reconcile();
    const flakyStats = (await stats.getMany(['sim-flaky'])).get('sim-flaky')!;
    expect(flakyStats.models.H100!.failures).toBeGreaterThan(4);
    expect(flakyStats.models.H100!.startSamples).toBe(C.breakerThreshold); // they did start
    expect(breakerState(flakyStats, clock.now())).toBe('open');

    // Failed-over jobs and new ones go to the steady network while the breaker is open.
    const during = await submit(s);
    await s.queue.pollOnce();
    for (const id of [...first, during]) expect((await s.store.get(id))!.attempts.at(-1)!.provider).toBe('sim-steady');
    expect(flaky.launches).toHaveLength(C.breakerThreshold);

    // Steady's jobs finish and count for it; a second reconcile doesn't count them again.
    await s.reconcile();
    clock.advance(11_000);
    await s.reconcile();
    await s.reconcile();
    const steadyStats = (await stats.getMany(['sim-steady'])).get('sim-steady')!;
    expect(steadyStats.models.H100!.failures).toBe(0);
    const n = C.breakerThreshold + 1;
    const expectedWeight = Array.from({ length: n }, (_, k) => C.decay ** k).reduce((a, b) => a + b, 0);
    expect(steadyStats.models.H100!.successes).toBeCloseTo(expectedWeight, 6);

    // After the cool-down one job probes the flaky network; the one placed with it does not.
    clock.advance(C.breakerCooldownSeconds * 1000);
    const probe = await submit(s);
    const other = await submit(s);
    await s.queue.pollOnce();
    const placed = [(await s.store.get(probe))!, (await s.store.get(other))!].map((j) => j.attempts[0]!.provider).sort();
    expect(placed).toEqual(['sim-flaky', 'sim-steady']);
    expect(flaky.launches).toHaveLength(C.breakerThreshold + 1);
    const flakyNow = (await stats.getMany(['sim-flaky'])).get('sim-flaky')!;
    expect(flakyNow.probe?.attemptId).toBe(flaky.launches.at(-1));
  }, 60_000); // many transactions on DynamoDB Local; generous so a loaded machine does not flake

  it('a job pinned to a network whose one probe is taken waits for it, and is placed once the probe runs', async () => {
    const clock = new ManualClock();
    const flaky = sim({ name: 'sim-flaky', failureRate: 1, runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 0.5 }] }, clock);
    const s = await startTestSystem({ loops: false, clock, providers: [flaky] });
    system = s;
    const pinned = { placement: { strategy: 'cheapest', networks: ['sim-flaky'], fallback: 'none' } };
    const first: string[] = [];
    for (let i = 0; i < C.breakerThreshold; i++) first.push(await submit(s, pinned));
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(6_000); // every machine lost: the breaker opens
    await s.reconcile();
    expect(breakerState((await s.deps.stats!.getMany(['sim-flaky'])).get('sim-flaky'), clock.now())).toBe('open');

    clock.advance(C.breakerCooldownSeconds * 1000);
    const later = [await submit(s, pinned), await submit(s, pinned)];
    await s.queue.pollOnce();
    const jobs = await Promise.all([...first, ...later].map(async (id) => (await s.store.get(id))!));
    const probing = jobs.filter((j) => j.status === 'starting');
    expect(probing).toHaveLength(1); // one probe at a time
    const waiting = jobs.filter((j) => j.status !== 'starting');
    for (const j of waiting) expect(j.status, j.reason).toBe('queued'); // none failed
    expect(waiting.some((j) => /waiting for capacity .*another attempt is probing it/.test(j.reason ?? ''))).toBe(true);
    // The probe runs: the breaker closes, and the waiting jobs are placed on their next try.
    await s.reconcile();
    expect((await s.store.get(probing[0]!.id))!.status).toBe('running');
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      await s.reconcile();
      await s.queue.pollOnce();
    }
    const after = await Promise.all(waiting.map(async (j) => (await s.store.get(j.id))!));
    expect(after.filter((j) => j.status === 'failed').map((j) => j.reason)).toEqual([]);
    expect(after.every((j) => j.attempts.length > waiting.find((w) => w.id === j.id)!.attempts.length)).toBe(true);
  }, 60_000);

  it('places only in the regions a job names, and says why when none fits', async () => {
    const clock = new ManualClock();
    const us = sim({ name: 'sim-us', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2, regions: ['US'] }] }, clock);
    const de = sim({ name: 'sim-de', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1, regions: ['DE'] }] }, clock);
    const s = await startTestSystem({ loops: false, clock, providers: [us, de] });
    system = s;
    const inUs = await submit(s, { placement: { strategy: 'cheapest', fallback: 'none', regions: ['US'] } });
    const onMars = await submit(s, { placement: { strategy: 'cheapest', fallback: 'none', regions: ['mars'] } });
    await s.queue.pollOnce();
    expect((await s.store.get(inUs))!.attempts.map((a) => a.provider)).toEqual(['sim-us']);
    const mars = (await s.store.get(onMars))!;
    expect(mars.status).toBe('failed');
    expect(mars.reason).toContain('region');
    const bad = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', fallback: 'none', regions: ['no spaces'] } }) });
    expect(bad.status).toBe(400);
  });
});
