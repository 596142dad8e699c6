// Hedged starts, in local mode with DynamoDB Local and sim networks on a hand-moved clock:
// a deadline (or "fastest") job whose first machine is late to start gets a second offer
// on another network; the first to run is kept, the other is stopped and released at once,
// and the customer is not charged for it.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { liveAttempts, type Job } from '../../src/core/job.js';
import { meterJob } from '../../src/money/metering.js';
import { mayHedge } from '../../src/core/hedge.js';
import { hedgeLossSeconds } from '../../src/core/hedge-loss.js';
import { budgetedAttempts } from '../../src/core/capacity-wait.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob, type CountingSim } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** sim-slow: cheap, says it starts in 600 s and its history says 100 s (so its learned start deadline is 150 s); sim-fast: dearer, starts in 20 s. */
const world = async () => {
  const clock = new ManualClock();
  const slow = sim({ name: 'sim-slow', startDelayMs: 600_000, runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
  const fast = sim({ name: 'sim-fast', startDelayMs: 20_000, runTimeMs: 1_800_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
  const s = (system = await startTestSystem({ loops: false, clock, providers: [slow, fast] }));
  for (let i = 0; i < 5; i++) {
    await s.deps.stats!.record({ attemptId: `seen-${i}`, provider: 'sim-slow', gpuModel: 'H100', kind: 'delivered', at: clock.now().toISOString(), startSeconds: 100, runSeconds: 3600 });
  }
  return { clock, slow, fast, s };
};

const job = (s: RunningSystem, id: string): Promise<Job> => s.store.get(id) as Promise<Job>;
const step = async (s: RunningSystem, clock: ManualClock, ms: number) => {
  clock.advance(ms);
  await s.reconcile();
  await s.queue.pollOnce();
};

describe('hedged starts', () => {
  it('hedges a late first start, keeps the one that runs first, stops and releases the other, and bills only the winner', async () => {
    const { clock, slow, fast, s } = await world();
    const submitted = await api(s, 'POST', '/v1/jobs', { body: simJob({ maxWallClockSeconds: 4 * 3600, hedge: true }) });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id;
    await s.queue.pollOnce();
    expect((await job(s, id)).attempts.map((a) => a.provider)).toEqual(['sim-slow']); // the cheap one first

    await step(s, clock, 50_000); // 50 s: not yet later than its usual start (p75 = 100 s)
    expect((await job(s, id)).attempts).toHaveLength(1);

    await step(s, clock, 60_000); // 110 s: late, so a second offer on another network
    let j = await job(s, id);
    expect(j.attempts.map((a) => [a.provider, a.status, a.hedge])).toEqual([
      ['sim-slow', 'starting', undefined],
      ['sim-fast', 'starting', 'second'],
    ]);
    expect(liveAttempts(j)).toHaveLength(2);
    const events = (await api(s, 'GET', `/v1/jobs/${id}/events`)).body.items ?? (await api(s, 'GET', `/v1/jobs/${id}/events`)).body;
    expect(JSON.stringify(events)).toContain('hedging: sim-slow has not started after 110s');

    await step(s, clock, 25_000); // sim-fast runs: it wins, sim-slow is stopped in the same pass
    j = await job(s, id);
    expect(j.status).toBe('running');
    expect(j.attempts.map((a) => [a.provider, a.status, a.hedge])).toEqual([
      ['sim-slow', 'failed', 'lost'],
      ['sim-fast', 'running', 'second'],
    ]);
    expect(slow.cancels).toEqual([j.attempts[0]!.id]);
    expect(slow.liveAttemptIds()).toEqual([]);
    await step(s, clock, 1_000);
    expect((await job(s, id)).attempts[0]!.releasedAt).toBeDefined(); // confirmed gone: nothing bills after it

    await step(s, clock, 1_800_000);
    j = await job(s, id);
    expect(j.status).toBe('succeeded');
    expect(fast.liveAttemptIds()).toEqual([]);
    // The customer pays the winner only; the loser is the broker's cost, shown on the admin view.
    const usage = meterJob(j, s.money.pricing, {});
    expect(usage.attempts[0]).toMatchObject({ billable: false, customerMicroUsd: 0 });
    expect(usage.attempts[0]!.why).toContain('hedge lost');
    expect(j.costMicroUsd).toBe(usage.attempts[1]!.customerMicroUsd);
    expect(j.costMicroUsd).toBeGreaterThan(0);
    expect(hedgeLossSeconds(j.attempts[0]!, { startsAt: 'launch', unitSeconds: 1 }, j.updatedAt)).toBeGreaterThanOrEqual(135);
    const admin = await api(s, 'GET', `/v1/admin/jobs/${id}`, { key: s.adminKey });
    expect(admin.status).toBe(200);
    // Reported on the admin view; sim-slow bills running time only and never ran, so it cost nothing here.
    expect(admin.body.economics[0].hedgeLossMicroUsd).toBe(0);
    expect(admin.body.economics[1]).not.toHaveProperty('hedgeLossMicroUsd');
  });

  it('does not hedge a deadline job that did not ask, nor accept hedge without a deadline or "fastest"', async () => {
    const { clock, s } = await world();
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ maxWallClockSeconds: 4 * 3600 }) })).body.id;
    await s.queue.pollOnce();
    await step(s, clock, 110_000);
    expect((await job(s, id)).attempts).toHaveLength(1);

    const refused = await api(s, 'POST', '/v1/jobs', { body: simJob({ hedge: true }) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('hedge');
  });

  it('a cancel while two attempts race stops both', async () => {
    const { clock, slow, fast, s } = await world();
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ maxWallClockSeconds: 4 * 3600, hedge: true }) })).body.id;
    await s.queue.pollOnce();
    await step(s, clock, 110_000);
    expect(liveAttempts(await job(s, id))).toHaveLength(2);
    expect((await api(s, 'POST', `/v1/jobs/${id}/cancel`)).status).toBe(200);
    await s.queue.pollOnce();
    await step(s, clock, 1_000);
    const j = await job(s, id);
    expect(j.attempts.map((a) => a.status)).toEqual(['cancelled', 'cancelled']);
    expect(slow.liveAttemptIds()).toEqual([]);
    expect(fast.liveAttemptIds()).toEqual([]);
  });

  it('hedges only jobs that asked, with a deadline or strategy "fastest", one live attempt and budget left', () => {
    const base = { id: 'j', tenantId: 't', status: 'starting', version: 1, eventSeq: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' } as const;
    const late = { id: 'j-a1', provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'starting', createdAt: '2026-01-01T00:00:00Z' } as const;
    const spec = (extra: Record<string, unknown>) => ({ ...simJob(extra), placement: { strategy: 'cheapest', fallback: 'cloud' }, ...extra }) as never;
    const of = (extra: Record<string, unknown>, attempts: object[] = [late]) => ({ ...base, spec: spec(extra), attempts }) as unknown as Job;
    expect(mayHedge(of({ hedge: true, maxWallClockSeconds: 9000 }), late as never, 6)).toBe(true);
    expect(mayHedge(of({ hedge: true, placement: { strategy: 'fastest', fallback: 'cloud' } }), late as never, 6)).toBe(true);
    expect(mayHedge(of({ maxWallClockSeconds: 9000 }), late as never, 6)).toBe(false);
    expect(mayHedge(of({ hedge: true }), late as never, 6)).toBe(false);
    expect(mayHedge(of({ hedge: true, maxWallClockSeconds: 9000 }, [late, { ...late, id: 'j-a2', hedge: 'second' }]), late as never, 6)).toBe(false);
    expect(mayHedge(of({ hedge: true, maxWallClockSeconds: 9000 }), late as never, 1)).toBe(false);
  });
});

describe('the failover budget with hedges', () => {
  it("does not spend a try on a hedge's loser (stopped by us), nor on a capacity refusal", () => {
    const attempts = [
      { id: 'j-a1', provider: 'p', status: 'failed', hedge: 'lost' },
      { id: 'j-a2', provider: 'q', status: 'running', hedge: 'second' },
      { id: 'j-a3', provider: 'r', status: 'failed', refusedFor: 'capacity' },
      { id: 'j-a4', provider: 's', status: 'failed', lostBy: 'provider' },
    ];
    expect(budgetedAttempts({ attempts } as unknown as Job)).toBe(2);
  });
});
