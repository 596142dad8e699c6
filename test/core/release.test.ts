// Releasing ended attempts: the reconciler stops every ended attempt's resource and records
// releasedAt only once the provider confirms it is gone, retrying with backoff.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem, SystemOptions } from '../../src/local/system.js';
import { MeteredSim, type MeteredSimConfig } from '../../src/providers/sim/metered-sim.js';
import { DEFAULT_RELEASE_RETRY, nextReleaseAt, releaseAtProvider } from '../../src/core/release.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const start = async (options: SystemOptions) => {
  system = await startTestSystem({ loops: false, ...options });
  return system;
};

const metered = (clock: ManualClock, overrides: Partial<MeteredSimConfig> = {}) =>
  new MeteredSim(
    { name: 'sim-metered', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }], startDelayMs: 0, runTimeMs: 10_000, stopDelayMs: 30_000, seed: 1, ...overrides },
    clock,
  );

const inIndex = async (s: RunningSystem, id: string) => (await s.store.needingReconcile(100)).some((j) => j.id === id);

describe('releasing ended attempts', () => {
  for (const nativeRelease of [true, false]) {
    it(`stops a finished job's machine and records releasedAt only once it is gone (${nativeRelease ? "the adapter's release()" : 'cancel + status'})`, async () => {
      const clock = new ManualClock();
      const sim = metered(clock, { nativeRelease });
      const s = await start({ clock, providers: [sim] });
      const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
      await s.queue.pollOnce();
      await s.reconcile(); // running
      clock.advance(11_000);
      await s.reconcile(); // succeeded: the stop goes out in the same pass
      let job = (await s.store.get(id))!;
      expect(job.status).toBe('succeeded');
      const [record] = sim.records();
      expect(record!.stopRequestedAt).toBe(clock.now().getTime());
      expect(job.attempts[0]!.releasedAt).toBeUndefined(); // the machine is still stopping
      expect(job.attempts[0]!.releaseTries).toBe(1);
      expect(await inIndex(s, id)).toBe(true);

      clock.advance(20_000);
      await s.reconcile(); // settled, still stopping
      expect((await s.store.get(id))!.attempts[0]!.releasedAt).toBeUndefined();
      clock.advance(20_000);
      await s.reconcile();
      job = (await s.store.get(id))!;
      expect(job.attempts[0]!.releasedAt).toBe(clock.now().toISOString());
      expect(Date.parse(job.attempts[0]!.releasedAt!)).toBeGreaterThanOrEqual(sim.records()[0]!.goneAt!);
      const events = await s.store.events(id);
      expect(events.at(-1)).toMatchObject({ type: 'release', to: 'released', attemptId: job.attempts[0]!.id, provider: 'sim-metered' });
      expect(await inIndex(s, id)).toBe(false);

      // Customers see when the resource went, not the bookkeeping.
      const view = (await api(s, 'GET', `/v1/jobs/${id}`)).body;
      expect(view.attempts[0].releasedAt).toBe(job.attempts[0]!.releasedAt);
      expect(view.attempts[0]).not.toHaveProperty('releaseTries');
      expect(view.attempts[0]).not.toHaveProperty('nextReleaseAt');
      const timeline = (await api(s, 'GET', `/v1/jobs/${id}/events`)).body.items;
      expect(timeline.at(-1)).toMatchObject({ type: 'release', to: 'released' });
    });
  }

  it('retries a failing stop with backoff, and not before its retry time', async () => {
    const clock = new ManualClock();
    const sim = metered(clock, { stopDelayMs: 0, nativeRelease: true });
    const s = await start({ clock, providers: [sim], reconcile: { releaseRetry: { baseSeconds: 40, maxSeconds: 300 } } });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    const realRelease = sim.release!;
    let calls = 0;
    Object.defineProperty(sim, 'release', {
      value: async () => {
        calls++;
        throw new Error('502 bad gateway');
      },
    });
    clock.advance(11_000);
    await s.reconcile();
    let attempt = (await s.store.get(id))!.attempts[0]!;
    expect(attempt).toMatchObject({ status: 'succeeded', releaseTries: 1, releaseNote: expect.stringContaining('502') });
    expect(attempt.nextReleaseAt).toBe(new Date(clock.now().getTime() + 40_000).toISOString());
    clock.advance(20_000);
    await s.reconcile();
    expect(calls).toBe(1); // not due yet
    clock.advance(20_000);
    await s.reconcile();
    expect(calls).toBe(2);
    attempt = (await s.store.get(id))!.attempts[0]!;
    expect(attempt.releaseTries).toBe(2);
    expect(attempt.nextReleaseAt).toBe(new Date(clock.now().getTime() + 80_000).toISOString()); // doubled
    Object.defineProperty(sim, 'release', { value: realRelease });
    clock.advance(80_000);
    await s.reconcile();
    attempt = (await s.store.get(id))!.attempts[0]!;
    expect(attempt.releasedAt).toBe(clock.now().toISOString());
    expect(sim.records()[0]!.goneAt).toBeDefined();
  });

  it('by default a failed stop is sent again within a minute, however often it failed; an accepted one is checked with backoff to 15 min', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    const after = (tries: number, outcome: Parameters<typeof nextReleaseAt>[2]) => (Date.parse(nextReleaseAt(now, tries, outcome, DEFAULT_RELEASE_RETRY)) - now.getTime()) / 1000;
    const failed = { state: 'pending' as const, failed: true };
    expect([1, 2, 3, 4, 8, 30].map((t) => after(t, failed))).toEqual([10, 20, 40, 60, 60, 60]);
    expect([1, 4, 8, 30].map((t) => after(t, { state: 'pending' as const }))).toEqual([10, 80, 900, 900]);
    expect(after(8, { ...failed, retryAfterSeconds: 120 })).toBe(120); // the provider's Retry-After wins
  });

  it('releases a cancelled attempt and a failed-over one', async () => {
    const clock = new ManualClock();
    const lossy = metered(clock, { name: 'sim-lossy', failureRate: 1, stopDelayMs: 0, runTimeMs: 600_000 });
    const other = new MeteredSim({ ...lossy.config, name: 'sim-other', failureRate: 0, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
    const s = await start({ clock, providers: [lossy, other] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(301_000); // half the run: lost
    await s.reconcile();
    let job = (await s.store.get(id))!;
    expect(job.attempts[0]).toMatchObject({ provider: 'sim-lossy', status: 'failed', releasedAt: clock.now().toISOString() });
    await s.queue.pollOnce();
    await s.reconcile();
    expect((await api(s, 'POST', `/v1/jobs/${id}/cancel`)).status).toBe(200);
    await s.queue.pollOnce();
    job = (await s.store.get(id))!;
    expect(job.attempts[1]).toMatchObject({ provider: 'sim-other', status: 'cancelled', releasedAt: expect.any(String) });
    expect((await s.store.events(id)).filter((e) => e.type === 'release').map((e) => e.attemptId)).toEqual(job.attempts.map((a) => a.id));
    expect(await other.listOwned()).toEqual([]);
    expect(await lossy.listOwned()).toEqual([]);
  });

  it('counts a machine as gone only when the provider says so', async () => {
    const clock = new ManualClock();
    const sim = metered(clock, { stopDelayMs: 5_000 });
    const ref = { attemptId: 'job_x-a1' };
    expect(await releaseAtProvider(sim, ref)).toBe('released'); // never launched: nothing to stop
    await sim.launch({ attemptId: ref.attemptId, jobId: 'job_x', offer: (await sim.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 9 }))[0]!, image: 'i', command: ['c'], env: {}, maxDurationSeconds: 60 });
    clock.advance(20_000); // the workload finished: status says succeeded, but the machine still exists
    expect((await sim.status(ref)).state).toBe('succeeded');
    expect(await releaseAtProvider(sim, ref)).toBe('pending');
    clock.advance(5_000);
    expect(await releaseAtProvider(sim, ref)).toBe('released');
  });
});
