// Waiting for capacity, on DynamoDB Local: a job every offer refuses for lack of capacity
// goes back to `queued` with backoff and the reason in its events, is placed once capacity
// appears, and fails only after maxQueueSeconds. Plus the reconcile pass's work pool limits.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { ProviderError } from '../../src/core/provider.js';
import { runPool } from '../../src/core/work-pool.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const setup = async () => {
  const clock = new ManualClock();
  const p = sim({ name: 'sim-full', runTimeMs: 10_000 }, clock);
  let full = true;
  const launch = p.launch.bind(p);
  p.launch = async (request) => {
    if (full) throw new ProviderError('capacity', 'no free H100');
    return launch(request);
  };
  const s = await startTestSystem({ loops: false, clock, providers: [p] });
  system = s;
  const submit = async (extra: Record<string, unknown> = {}) => {
    const res = await api(s, 'POST', '/v1/jobs', { body: simJob(extra) });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  return { s, clock, submit, setFull: (v: boolean) => (full = v) };
};

describe('waiting for capacity', () => {
  it('queues a job refused everywhere, retries after the backoff, and places it when capacity appears', async () => {
    const { s, clock, submit, setFull } = await setup();
    const id = await submit();
    await s.queue.pollOnce();
    let job = (await s.store.get(id))!;
    expect(job.status).toBe('queued');
    expect(job.capacityWait?.tries).toBe(1);
    expect(job.attempts.every((a) => a.refusedFor === 'capacity')).toBe(true);
    const events = await s.store.events(id);
    expect(events.some((e) => e.to === 'queued' && e.reason?.includes('waiting for capacity'))).toBe(true);

    // Refused again for several tries (more than the failover budget of 6 attempts): still waiting.
    for (let i = 0; i < 8; i++) {
      clock.advance(400_000); // past the longest backoff
      await s.reconcile(); // re-enqueues it once the backoff is over
      await s.queue.pollOnce();
      expect((await s.store.get(id))!.status).toBe('queued');
    }
    setFull(false);
    clock.advance(400_000);
    await s.reconcile();
    await s.queue.pollOnce();
    job = (await s.store.get(id))!;
    expect(job.status).toBe('starting');
    expect(job.capacityWait).toBeUndefined();
    await s.reconcile();
    clock.advance(11_000);
    await s.reconcile();
    expect((await s.store.get(id))!.status).toBe('succeeded');
  });

  it('fails the job once it has waited maxQueueSeconds, saying why', async () => {
    const { s, clock, submit } = await setup();
    const id = await submit({ maxQueueSeconds: 30 });
    await s.queue.pollOnce();
    expect((await s.store.get(id))!.status).toBe('queued');
    clock.advance(31_000);
    await s.reconcile();
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.status).toBe('failed');
    expect(job.reason).toContain('no free H100');
  });
});

describe('the reconcile work pool', () => {
  it('runs every item, never more than the limits at once, overall and per key', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ i, key: i % 3 === 0 ? 'slow' : `k${i % 5}` }));
    const running = new Map<string, number>();
    let active = 0;
    let maxActive = 0;
    let maxSlow = 0;
    const done: number[] = [];
    await runPool(items, (item) => item.key, { concurrency: 5, perKey: 2 }, async (item) => {
      active++;
      running.set(item.key, (running.get(item.key) ?? 0) + 1);
      maxActive = Math.max(maxActive, active);
      if (item.key === 'slow') maxSlow = Math.max(maxSlow, running.get('slow')!);
      await new Promise((r) => setImmediate(r));
      running.set(item.key, running.get(item.key)! - 1);
      active--;
      if (item.i === 7) throw new Error('one task fails');
      done.push(item.i);
    });
    expect(done.length).toBe(39);
    expect(maxActive).toBeLessThanOrEqual(5);
    expect(maxActive).toBeGreaterThan(1);
    expect(maxSlow).toBeLessThanOrEqual(2);
  });
});
