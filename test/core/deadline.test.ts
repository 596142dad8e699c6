// Deadlines: Uniform Progress ranking, the 422 at submit naming the bound that fails, and a
// late start on a deadline job moving to a reliable offer (DynamoDB Local, sims, hand-moved clock).
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import type { Job, JobSpec } from '../../src/core/job.js';
import { cheapOfferLikelyKeepsSchedule, deadlineMs, doneSeconds, lateLossChance, scheduleOf, scheduleText, type Schedule } from '../../src/core/deadline.js';
import { rankGathered, type ProviderOffers } from '../../src/core/placement.js';
import { budgetedAttempts } from '../../src/core/capacity-wait.js';
import type { Offer } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const T0 = Date.parse('2026-01-01T00:00:00Z');
const spec = (extra: Partial<JobSpec> = {}): JobSpec => ({ ...(simJob() as unknown as JobSpec), ...extra });
const offer = (provider: string, price: number, startSeconds: number, extra: Partial<Offer> = {}): Offer => ({
  provider, offerId: `${provider}-1`, gpuModel: 'H100', gpuCount: 1, vramGb: 80, pricePerGpuHourUsd: price, expectedStartSeconds: startSeconds, ...extra,
});
const market: ProviderOffers[] = [
  { provider: 'cheap-net', kind: 'decentralized', offers: [offer('cheap-net', 1, 60)], billing: { startsAt: 'running', unitSeconds: 1 } },
  { provider: 'vast-like', kind: 'decentralized', offers: [offer('vast-like', 1.6, 60, { hostId: 'm1', hostReliability: 0.995 })], billing: { startsAt: 'running', unitSeconds: 1 } },
  { provider: 'cloud', kind: 'cloud', offers: [offer('cloud', 4, 120)], billing: { startsAt: 'running', unitSeconds: 1 } },
];
const schedule = (windowSeconds: number, elapsedSeconds = 0, done = 0): Schedule => ({
  submittedMs: T0, deadlineMs: T0 + windowSeconds * 1000, nowMs: T0 + elapsedSeconds * 1000, workSeconds: 3600, doneSeconds: done,
});

describe('deadline arithmetic', () => {
  it('reads deadline or maxWallClockSeconds, and counts only work a restart keeps', () => {
    expect(deadlineMs(spec({ deadline: '2026-01-01T05:00:00Z' }), '2026-01-01T00:00:00Z')).toBe(T0 + 5 * 3600_000);
    expect(deadlineMs(spec({ maxWallClockSeconds: 600 }), '2026-01-01T00:00:00Z')).toBe(T0 + 600_000);
    expect(deadlineMs(spec(), '2026-01-01T00:00:00Z')).toBeUndefined();
    const attempt = (status: string, start: number, end?: number) => ({
      id: `a${start}`, provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status, createdAt: new Date(T0).toISOString(),
      startedAt: new Date(T0 + start * 1000).toISOString(), ...(end !== undefined ? { endedAt: new Date(T0 + end * 1000).toISOString() } : {}),
    });
    const job = (s: JobSpec, attempts: object[]) => ({ spec: s, attempts, createdAt: new Date(T0).toISOString() }) as unknown as Job;
    // A lost run without a checkpoint keeps nothing; with one every 600 s it keeps whole intervals.
    const lostThenRunning = [attempt('failed', 0, 1500), attempt('running', 1600)];
    expect(doneSeconds(job(spec(), lostThenRunning), T0 + 1700_000)).toBe(100);
    expect(doneSeconds(job(spec({ checkpoint: { path: '/c', everySeconds: 600 } }), lostThenRunning), T0 + 1700_000)).toBe(1200 + 100);
    expect(scheduleOf(job(spec({ maxWallClockSeconds: 7200 }), []), T0)?.deadlineMs).toBe(T0 + 7200_000);
  });

  it('says why in the words of the issue', () => {
    expect(scheduleText({ ...schedule(10_000, 5500, 0.41 * 3600) })).toBe('behind schedule: 41% done at 55% of the deadline');
    expect(scheduleText(schedule(7000))).toBe('too little slack for a restart: 0% done at 0% of the deadline');
  });
});

describe('Uniform Progress ranking', () => {
  it('uses cheap capacity while a restart still fits, reliable capacity only once it does not', () => {
    const now = new Date(T0);
    const roomy = rankGathered(market, spec(), { now, schedule: schedule(12 * 3600) });
    expect(roomy.offers[0]!.provider).toBe('cheap-net');
    expect(roomy.why).toBeUndefined();
    // 1 h 23 min for a 1 h run without a checkpoint: a loss after the first 17 min on the cheap
    // network could not be made up, and at its prior 0.03 losses/h that is a 2 % chance.
    const tight = rankGathered(market, spec(), { now, schedule: schedule(5000) });
    expect(tight.offers.map((o) => o.provider)).toEqual(['vast-like', 'cloud']); // a 99.5 % host and the cloud
    expect(tight.why).toBe('too little slack for a restart: 0% done at 0% of the deadline; reliable offers only');
    // With 1 h 57 min only a loss in the run's last 9 min is fatal: 0.5 %, so cheap capacity stays.
    expect(rankGathered(market, spec(), { now, schedule: schedule(7000) }).offers[0]!.provider).toBe('cheap-net');
    // Behind schedule after a loss: 41 % done at 55 % of a 100 min deadline, checkpointing every
    // 10 min, and even a one-interval restart would no longer fit: any loss there is fatal.
    const behind = rankGathered(market, spec(), { now: new Date(T0 + 3300_000), schedule: { ...schedule(6000, 3300, 0.41 * 3600), checkpointEverySeconds: 600 } });
    expect(behind.why).toMatch(/^behind schedule: 41% done at 55% of the deadline; reliable offers only/);
    expect(behind.offers.map((o) => o.provider)).not.toContain('cheap-net');
  });

  it('counts only the losses a restart cannot make up: the run\'s tail without a checkpoint, any loss with one', () => {
    // 7000 s for 3600 s of work, a 60 s start: a loss in the first 3040 s of the run leaves room for a 300 s start and a rerun.
    expect(lateLossChance(schedule(7000), 60, 0.03, 120)).toBeCloseTo(-Math.expm1(-0.03 * (560 / 3600)), 9);
    expect(cheapOfferLikelyKeepsSchedule(schedule(7000), 60, 0.03, 120)).toBe(true);
    expect(cheapOfferLikelyKeepsSchedule(schedule(7000), 60, 0.2, 120)).toBe(false); // a churny network: 3 %
    expect(lateLossChance(schedule(12 * 3600), 60, 5, 120)).toBe(0); // a loss at the very end still fits
    // A checkpointed job whose one-interval restart no longer fits: any loss is fatal.
    const ckpt = { ...schedule(4500), checkpointEverySeconds: 1200 };
    expect(lateLossChance(ckpt, 60, 0.03, 120)).toBeCloseTo(-Math.expm1(-0.03), 9);
    expect(cheapOfferLikelyKeepsSchedule(schedule(3000), 0, 0, 120)).toBe(false); // cannot finish in time at all
  });

  it('with a checkpoint a loss costs one interval, so cheap capacity stays in use longer', () => {
    const s = { ...schedule(7000), checkpointEverySeconds: 300 };
    expect(rankGathered(market, spec(), { now: new Date(T0), schedule: s }).offers[0]!.provider).toBe('cheap-net');
  });

  it('never explores on a deadline job (exploration is for jobs without one)', () => {
    const stats = new Map(); // every provider has "no news"
    for (let i = 0; i < 400; i++) {
      const ranked = rankGathered(market, spec(), { now: new Date(T0), schedule: schedule(12 * 3600), stats, explorationKey: `job-${i}-a1` });
      expect(ranked.offers[0]!.provider).toBe('cheap-net');
    }
  });
});

describe('deadlines at submit and while starting', () => {
  const world = async (clock: ManualClock) => {
    const cheap = sim({ name: 'sim-cheap', startDelayMs: 3_600_000, runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const cloud = sim({ name: 'sim-cloud', kind: 'cloud', startDelayMs: 30_000, runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 4 }] }, clock);
    // sim-cheap advertises a 60 s start (its offers say so) but will take an hour this time.
    (cheap as unknown as { offers: typeof cheap.offers }).offers = async (q) => (await sim({ name: 'sim-cheap', startDelayMs: 60_000, runTimeMs: 1, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }).offers(q));
    return (system = await startTestSystem({ loops: false, clock, providers: [cheap, cloud], reconcile: { startDeadlineSeconds: 600 } }));
  };

  it('refuses both fields at once (400) and names the bound a deadline fails (422)', async () => {
    const clock = new ManualClock();
    const s = await world(clock);
    const both = await api(s, 'POST', '/v1/jobs', { body: simJob({ deadline: '2026-01-02T00:00:00Z', maxWallClockSeconds: 9000 }) });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toContain('not both');
    const cases: [Record<string, unknown>, string][] = [
      [{ deadline: '2025-12-31T23:00:00Z' }, 'deadline-passed'],
      [{ maxWallClockSeconds: 1800 }, 'max-duration'],
      [{ maxWallClockSeconds: 9000, maxPricePerGpuHourUsd: 0.5 }, 'no-offer'],
      [{ maxWallClockSeconds: 3620, placement: { strategy: 'cheapest', networks: ['sim-cloud'], fallback: 'cloud' } }, 'start-delay'],
    ];
    for (const [extra, bound] of cases) {
      const res = await api(s, 'POST', '/v1/jobs', { body: simJob(extra) });
      expect(res.status, bound).toBe(422);
      expect(res.body.bound).toBe(bound);
      expect(res.body.detail).toBeTruthy();
    }
    expect((await api(s, 'POST', '/v1/jobs', { body: simJob({ maxWallClockSeconds: 3700, placement: { strategy: 'cheapest', networks: ['sim-cloud'], fallback: 'cloud' } }) })).status).toBe(202);
  });

  it('moves a deadline job whose cheap machine is late to start to a reliable offer, saying why', async () => {
    const clock = new ManualClock();
    const s = await world(clock);
    // 1 h of work in 7600 s: the cheap start (60 s) + the run + one restart (3600 + 300 s) just fits.
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ maxWallClockSeconds: 7600 }) })).body.id;
    await s.queue.pollOnce();
    expect((await s.store.get(id))!.attempts.map((a) => a.provider)).toEqual(['sim-cheap']);
    clock.advance(310_000); // later than half its start deadline, and the slack no longer covers a restart
    await s.reconcile();
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.attempts.map((a) => [a.provider, a.status])).toEqual([['sim-cheap', 'failed'], ['sim-cloud', 'starting']]);
    expect(job.attempts[0]!.reason).toBe('behind schedule: 0% done at 4% of the deadline; sim-cheap is late to start (310s), moving to a reliable offer');
    // Our choice, not the provider's failure: it spends no try of the failover budget.
    expect(job.attempts[0]!.movedOff).toBe('late-start');
    expect(budgetedAttempts(job)).toBe(1);
    const events = JSON.stringify((await api(s, 'GET', `/v1/jobs/${id}/events`)).body);
    expect(events).toContain('failing over: behind schedule: 0% done at 4% of the deadline');
    expect(events).toContain('placed on sim-cloud');
  });
});
