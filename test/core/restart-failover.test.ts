// Failover that survives our own restarts, on DynamoDB Local: the system is stopped and
// started again on the same table with fresh sim providers (their state lost, as the local
// market's fakes lose theirs with the process). Every attempt live at the "crash" is lost,
// its job fails over within its budget, and the loss is not counted against the provider.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { breakerState } from '../../src/core/reliability.js';
import { ProviderError } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let systems: RunningSystem[] = [];
afterEach(async () => {
  for (const s of systems) await s.stop();
  systems = [];
});

const newKey = () => `sy_live_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const cheap = [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }];
const dear = [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }];

/** One "process": a system on the given table with brand-new sims (nothing they knew survives). */
const boot = async (clock: ManualClock, tableName: string, apiKey: string) => {
  const a = sim({ name: 'sim-a', runTimeMs: 10_000, catalog: cheap }, clock);
  const b = sim({ name: 'sim-b', runTimeMs: 10_000, catalog: dear }, clock);
  const s = await startTestSystem({ loops: false, clock, providers: [a, b], tableName, apiKey, tenantId: 'tenant-r' });
  systems.push(s);
  return { s, a, b };
};

const submit = async (s: RunningSystem, extra: Record<string, unknown> = {}) => {
  const res = await api(s, 'POST', '/v1/jobs', { body: simJob(extra) });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

describe('failover after our own restart', () => {
  it('fails over every attempt lost in the restart, counts none against the provider, and finishes the jobs', async () => {
    const clock = new ManualClock();
    const table = `t_${randomBytes(6).toString('hex')}`;
    const key = newKey();
    const first = await boot(clock, table, key);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submit(first.s)); // more than the breaker threshold
    const pinned = await submit(first.s, { placement: { strategy: 'cheapest', networks: ['sim-a'], fallback: 'none' } });
    await first.s.queue.pollOnce();
    await first.s.reconcile();
    for (const id of [...ids, pinned]) expect((await first.s.store.get(id))!.status).toBe('running');
    await first.s.stop();
    systems = [];

    clock.advance(2_000);
    const second = await boot(clock, table, key);
    await second.s.reconcile(); // every sim-a attempt is unknown to the restarted sim
    await second.s.queue.pollOnce();
    for (const id of ids) {
      const job = (await second.s.store.get(id))!;
      expect(job.status).toBe('starting');
      expect(job.attempts.map((a) => a.provider)).toEqual(['sim-a', 'sim-b']);
      expect(job.attempts[0]!.lostBy).toBe('provider');
    }
    // The pinned job gets its one more try on the offer that lost its machine.
    const p = (await second.s.store.get(pinned))!;
    expect(p.status).toBe('starting');
    expect(p.attempts.map((a) => a.provider)).toEqual(['sim-a', 'sim-a']);

    const stats = (await second.s.deps.stats!.getMany(['sim-a'])).get('sim-a');
    expect(stats?.models.H100?.failures ?? 0).toBe(0);
    expect(breakerState(stats, clock.now())).toBe('closed');

    await second.s.reconcile();
    clock.advance(11_000);
    await second.s.reconcile();
    for (const id of [...ids, pinned]) expect((await second.s.store.get(id))!.status).toBe('succeeded');
  });

  it('after the warm-up, an unknown attempt counts against a provider that answers for the others', async () => {
    const clock = new ManualClock();
    const table = `t_${randomBytes(6).toString('hex')}`;
    const { s, a } = await boot(clock, table, newKey());
    await s.reconcile(); // the process's first pass: its start
    clock.advance(601_000); // past the default warm-up (600 s)
    const kept = await submit(s);
    const vanished = await submit(s);
    await s.queue.pollOnce();
    const vanishedAttempt = (await s.store.get(vanished))!.attempts[0]!.id;
    const status = a.status.bind(a);
    a.status = async (ref) => {
      if (ref.attemptId === vanishedAttempt) throw new ProviderError('unknown-job', 'no such deployment');
      return status(ref);
    };
    await s.reconcile();
    expect((await s.store.get(kept))!.status).toBe('running');
    const moved = (await s.store.get(vanished))!;
    expect(moved.status).toBe('placing');
    const stats = (await s.deps.stats!.getMany(['sim-a'])).get('sim-a');
    expect(stats?.models.H100?.failures).toBe(1);
  });

  it('an unknown attempt is not counted when the provider answered for nothing else', async () => {
    const clock = new ManualClock();
    const { s, a } = await boot(clock, `t_${randomBytes(6).toString('hex')}`, newKey());
    await s.reconcile();
    clock.advance(601_000);
    const id = await submit(s);
    await s.queue.pollOnce();
    a.status = async () => {
      throw new ProviderError('unknown-job', 'no such deployment');
    };
    await s.reconcile();
    expect((await s.store.get(id))!.status).toBe('placing');
    const stats = (await s.deps.stats!.getMany(['sim-a'])).get('sim-a');
    expect(stats?.models.H100?.failures ?? 0).toBe(0);
  });
});
