// The reconciler: lost enqueues, failover, fallback rules, start deadlines, timeouts.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchJob } from '../../src/core/dispatch.js';
import type { RunningSystem, SystemOptions } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const start = async (options: SystemOptions) => {
  system = await startTestSystem({ loops: false, ...options });
  return system;
};

const statuses = async (s: RunningSystem, id: string) =>
  (await s.store.events(id)).filter((e) => e.type === 'status').map((e) => e.to);

describe('reconciler', () => {
  it('picks up a job whose enqueue was lost', async () => {
    const clock = new ManualClock();
    const spot = sim({ name: 'sim-spot' }, clock);
    const s = await start({ clock, providers: [spot], reconcile: { requeueAfterSeconds: 30 } });
    // The queue drops the message: the API still answers 202 and the job is stored.
    const send = s.queue.send.bind(s.queue);
    s.queue.send = async () => {
      throw new Error('SQS is down');
    };
    const res = await api(s, 'POST', '/v1/jobs', { body: simJob() });
    expect(res.status).toBe(202);
    expect(s.queue.depth).toBe(0);
    s.queue.send = send;

    expect((await s.reconcile()).requeued).toBe(0); // too young to be called lost
    clock.advance(31_000);
    expect((await s.reconcile()).requeued).toBe(1);
    await s.queue.pollOnce();
    expect((await s.store.get(res.body.id))!.status).toBe('starting');
    expect(spot.launches).toHaveLength(1);
  });

  it('fails over to the next network when a machine is lost, then finishes', async () => {
    const clock = new ManualClock();
    const flaky = sim({ name: 'sim-flaky', failureRate: 1, runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const steady = sim({ name: 'sim-steady', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
    const s = await start({ clock, providers: [flaky, steady] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    expect((await s.store.get(id))!.attempts[0]!.provider).toBe('sim-flaky'); // cheapest first
    await s.reconcile(); // running
    clock.advance(6_000); // past half the run: the flaky machine is lost
    await s.reconcile();
    let job = (await s.store.get(id))!;
    expect(job.status).toBe('placing');
    expect(job.attempts[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('lost') });
    await s.queue.pollOnce();
    job = (await s.store.get(id))!;
    expect(job.attempts[1]!.provider).toBe('sim-steady');
    await s.reconcile();
    clock.advance(11_000);
    await s.reconcile();
    job = (await s.store.get(id))!;
    expect(job.status).toBe('succeeded');
    expect(await statuses(s, id)).toEqual(['queued', 'placing', 'starting', 'running', 'placing', 'starting', 'running', 'succeeded']);
    expect(flaky.launches).toHaveLength(1);
    expect(steady.launches).toHaveLength(1);
  });

  it('ranks a cloud on expected cost, and uses it only when fallback is "cloud"', async () => {
    const clock = new ManualClock();
    const refusing = sim({ name: 'sim-full', refuseRate: 1, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const cloud = sim({ name: 'sim-cloud', kind: 'cloud', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 0.5 }] }, clock);
    const s = await start({ clock, providers: [refusing, cloud] });
    const withCloud = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    const noCloud = (await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', fallback: 'none' } }) })).body.id;
    await s.queue.pollOnce();
    const a = (await s.store.get(withCloud))!;
    // The cloud is cheaper to finish on here, so it is tried first (docs/placement.md: no "clouds last" rule).
    expect(a.attempts.map((x) => [x.provider, x.status])).toEqual([['sim-cloud', 'starting']]);
    const b = (await s.store.get(noCloud))!;
    // Refused for capacity everywhere it may run: it waits for capacity rather than failing.
    expect(b.status).toBe('queued');
    expect(b.attempts.map((x) => x.provider)).toEqual(['sim-full']);
    expect(b.reason).toContain('waiting for capacity');
    expect(b.reason).toContain('sim-full');
    expect(cloud.launches).toHaveLength(1);
  });

  it('never places over the price ceiling or outside the allow-list', async () => {
    const clock = new ManualClock();
    const pricey = sim({ name: 'sim-pricey', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 20 }] }, clock);
    const other = sim({ name: 'sim-other', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const s = await start({ clock, providers: [pricey, other] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', fallback: 'none', networks: ['sim-pricey'] } }) })).body.id;
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.status).toBe('failed');
    expect(job.attempts).toHaveLength(0);
    expect(job.reason).toContain('no offer fits');
    expect(pricey.launches).toHaveLength(0);
    expect(other.launches).toHaveLength(0);
  });

  it('abandons an attempt that misses its start deadline and stops it at the provider', async () => {
    const clock = new ManualClock();
    const slow = sim({ name: 'sim-slow', startDelayMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const fast = sim({ name: 'sim-fast', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
    const s = await start({ clock, providers: [slow, fast], reconcile: { startDeadlineSeconds: 60 } });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    clock.advance(61_000);
    await s.reconcile();
    expect(slow.cancels).toHaveLength(1);
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['sim-slow', 'failed'],
      ['sim-fast', 'starting'],
    ]);
    expect(job.attempts[0]!.reason).toContain('did not start within 60s');
  });

  it('times out a running job, stops it at the provider and never resurrects it', async () => {
    const clock = new ManualClock();
    const spot = sim({ name: 'sim-spot', runTimeMs: 3_600_000 }, clock);
    const s = await start({ clock, providers: [spot] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ maxDurationSeconds: 60 }) })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(61_000);
    await s.reconcile();
    const job = (await s.store.get(id))!;
    expect(job.status).toBe('timed_out');
    expect(job.attempts[0]!.status).toBe('timed_out');
    expect(spot.cancels).toEqual([job.attempts[0]!.id]);
    expect(spot.liveAttemptIds()).toEqual([]);
    await s.reconcile(); // settles the finished job
    expect((await s.store.get(id))!.settledAt).toBeDefined();
    clock.advance(600_000);
    expect((await s.reconcile()).examined).toBe(0); // finished, settled jobs leave the reconcile index
  });
});
