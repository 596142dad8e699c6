// Ranking by expected cost of a finished job, per strategy, with learned reliability.
import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../src/core/job.js';
import { estimateOffer, expectedFinishCost, rankGathered, rankOffers, type CostInputs, type ProviderOffers } from '../../src/core/placement.js';
import type { Offer, ProviderKind } from '../../src/core/provider.js';
import { DEFAULT_RELIABILITY_CONFIG, applyOutcome, type AttemptOutcomeKind, type ProviderStatsRecord } from '../../src/core/reliability.js';
import { sim } from '../support/sim.js';

const NOW = new Date('2026-01-01T00:00:00Z');

const spec = (placement: Partial<JobSpec['placement']> = {}, extra: Partial<JobSpec> = {}): JobSpec => ({
  image: 'img',
  command: ['run'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 3600,
  maxPricePerGpuHourUsd: 10,
  placement: { strategy: 'cheapest', fallback: 'cloud', ...placement },
  ...extra,
});

const offer = (provider: string, price: number, startSeconds = 60, region?: string): Offer => ({
  provider,
  offerId: `${provider}-o`,
  gpuModel: 'H100',
  gpuCount: 1,
  vramGb: 80,
  pricePerGpuHourUsd: price,
  expectedStartSeconds: startSeconds,
  ...(region ? { region } : {}),
});

const market = (...entries: [string, ProviderKind, Offer[]][]): ProviderOffers[] =>
  entries.map(([provider, kind, offers]) => ({ provider, kind, offers }));

// Machines that started ran half an hour before they were lost or finished.
const history = (provider: string, kinds: AttemptOutcomeKind[], extra: { startSeconds?: number } = {}): ProviderStatsRecord =>
  kinds.reduce<ProviderStatsRecord | undefined>(
    (r, kind, i) =>
      applyOutcome(r, {
        attemptId: `${provider}-${i}`,
        provider,
        gpuModel: 'H100',
        kind,
        at: NOW.toISOString(),
        ...(kind === 'lost' || kind === 'delivered' ? { runSeconds: 1800 } : {}),
        ...extra,
      }),
    undefined,
  )!;

const names = (offers: Offer[]) => offers.map((o) => o.provider);

describe('ranking', () => {
  it('with no history, the cheaper network wins', () => {
    const r = rankGathered(market(['a', 'decentralized', [offer('a', 2)]], ['b', 'decentralized', [offer('b', 1.8)]]), spec(), { now: NOW });
    expect(names(r.offers)).toEqual(['b', 'a']);
  });

  it('a slightly cheaper network that keeps losing machines ranks below a reliable one', () => {
    const stats = new Map([
      ['flaky', history('flaky', Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'lost' : 'delivered')))],
      ['steady', history('steady', Array(16).fill('delivered'))],
    ]);
    const m = market(['flaky', 'decentralized', [offer('flaky', 1.6)]], ['steady', 'decentralized', [offer('steady', 1.9)]]);
    expect(names(rankGathered(m, spec(), { now: NOW }).offers)).toEqual(['flaky', 'steady']);
    expect(names(rankGathered(m, spec(), { now: NOW, stats }).offers)).toEqual(['steady', 'flaky']);
    const est = estimateOffer(offer('flaky', 1.6), spec(), 'decentralized', { stats, now: NOW });
    expect(est.pSuccess).toBeLessThan(0.75);
    // λ per running hour: the expected billed running time of a finished 1-hour job is (e^λ − 1)/λ hours.
    expect(est.lossPerHour).toBeGreaterThan(0.2);
    const lam = est.lossPerHour;
    expect(est.usd).toBeGreaterThan(1.6 * (Math.expm1(lam) / lam));
  });

  it('refusals cost time, not money: a cheap network that often refuses still ranks first on "cheapest"', () => {
    const stats = new Map([['busy', history('busy', Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'refused' : 'delivered')))]]);
    const m = market(['busy', 'decentralized', [offer('busy', 1.6)]], ['steady', 'decentralized', [offer('steady', 1.9)]]);
    expect(names(rankGathered(m, spec(), { now: NOW, stats }).offers)).toEqual(['busy', 'steady']);
    const lossy = new Map([
      ['busy', history('busy', Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'lost' : 'delivered')))],
      ['steady', history('steady', Array(16).fill('delivered'))],
    ]);
    expect(names(rankGathered(m, spec(), { now: NOW, stats: new Map([...stats, ['steady', lossy.get('steady')!]]) }).offers)).toEqual(['busy', 'steady']);
    expect(names(rankGathered(m, spec(), { now: NOW, stats: lossy }).offers)).toEqual(['steady', 'busy']);
  });

  it('"fastest" takes the quick start over the low price; "cheapest" does not', () => {
    const m = market(['slow', 'decentralized', [offer('slow', 1, 1800)]], ['quick', 'decentralized', [offer('quick', 3, 30)]]);
    expect(names(rankGathered(m, spec({ strategy: 'cheapest' }), { now: NOW }).offers)).toEqual(['slow', 'quick']);
    expect(names(rankGathered(m, spec({ strategy: 'fastest' }), { now: NOW }).offers)).toEqual(['quick', 'slow']);
  });

  it('"balanced" prices the wait: a long measured start delay costs a cheap network its lead', () => {
    const m = market(['cheap', 'decentralized', [offer('cheap', 1.5, 60)]], ['prompt', 'decentralized', [offer('prompt', 1.7, 60)]]);
    const stats = new Map([['cheap', history('cheap', Array(10).fill('delivered'), { startSeconds: 3 * 3600 })]]);
    expect(names(rankGathered(m, spec({ strategy: 'balanced' }), { now: NOW }).offers)).toEqual(['cheap', 'prompt']);
    expect(names(rankGathered(m, spec({ strategy: 'balanced' }), { now: NOW, stats }).offers)).toEqual(['prompt', 'cheap']);
  });

  it('keeps one offer per provider, the best one', () => {
    const r = rankGathered(market(['a', 'decentralized', [offer('a', 3), { ...offer('a', 2), offerId: 'a-cheap' }]]), spec(), { now: NOW });
    expect(r.offers.map((o) => o.offerId)).toEqual(['a-cheap']);
  });

  it('a cloud wins when finishing there is truly cheaper, and is dropped when fallback is "none"', () => {
    const m = market(['cloud', 'cloud', [offer('cloud', 0.5)]], ['net', 'decentralized', [offer('net', 2)]]);
    expect(names(rankGathered(m, spec(), { now: NOW }).offers)).toEqual(['cloud', 'net']);
    expect(names(rankGathered(m, spec({ fallback: 'none' }), { now: NOW }).offers)).toEqual(['net']);
    // At the same list price the network's expected losses make it dearer only if they outweigh nothing: equal cost → the network first.
    const tie = market(['cloud', 'cloud', [offer('cloud', 2)]], ['net', 'cloud', [offer('net', 2)]]);
    expect(names(rankGathered(tie, spec(), { now: NOW }).offers)).toHaveLength(2);
  });

  it('leaves out a provider whose breaker is open and flags a half-open one', () => {
    const tripped = history('net', Array(DEFAULT_RELIABILITY_CONFIG.breakerThreshold).fill('lost'));
    const m = market(['net', 'decentralized', [offer('net', 1)]], ['other', 'decentralized', [offer('other', 2)]]);
    const open = rankGathered(m, spec(), { now: NOW, stats: new Map([['net', tripped]]) });
    expect(names(open.offers)).toEqual(['other']);
    const later = new Date(Date.parse(tripped.openUntil!));
    const half = rankGathered(m, spec(), { now: later, stats: new Map([['net', tripped]]) });
    expect(names(half.offers)).toContain('net');
    expect(half.halfOpen).toEqual(['net']);
  });

  it('filters by region: an offer with no region cannot promise one', () => {
    const m = market(['a', 'decentralized', [offer('a', 1, 60, 'US'), offer('a', 0.5)]], ['b', 'decentralized', [offer('b', 1, 60, 'DE')]]);
    const r = rankGathered(m, spec({ regions: ['us'] }), { now: NOW });
    expect(r.offers.map((o) => [o.provider, o.region])).toEqual([['a', 'US']]);
    expect(r.notes.join()).toContain('b: no offer fits');
  });
});

const base: CostInputs = {
  pricePerGpuHourUsd: 2,
  gpus: 1,
  runSeconds: 3600,
  restoreSeconds: 300,
  lossPerHour: 0,
  pStart: 1,
  missShare: 0,
  startSeconds: 120,
  startDeadlineSeconds: 600,
  billing: { startsAt: 'running', unitSeconds: 1 },
};

describe('expected cost of a finished job', () => {
  it('is the run at list price when nothing fails and waiting is free', () => {
    expect(expectedFinishCost(base).usd).toBeCloseTo(2, 9);
  });

  it('bills the wait for a start, and a hung launch until the deadline, only where billing starts at launch', () => {
    const launch = { ...base, billing: { startsAt: 'launch' as const, unitSeconds: 1 } };
    expect(expectedFinishCost(launch).usd).toBeCloseTo((2 * (3600 + 120)) / 3600, 9);
    // Half the launches hang: one failed launch per machine, held (and billed) for the 600 s deadline.
    const hangs = expectedFinishCost({ ...launch, pStart: 0.5, missShare: 1 });
    expect(hangs.usd).toBeCloseTo((2 * (3600 + 120 + 600)) / 3600, 9);
    expect(expectedFinishCost({ ...base, pStart: 0.5, missShare: 1 }).usd).toBeCloseTo(2, 9);
  });

  it('rounds billed time up to the unit: half a unit per machine on average', () => {
    expect(expectedFinishCost({ ...base, billing: { startsAt: 'running', unitSeconds: 3600 } }).usd).toBeCloseTo(3, 9);
  });

  it('a loss costs the run so far without a checkpoint, and only the time since the last one with it', () => {
    const long = { ...base, runSeconds: 20 * 3600, lossPerHour: 0.2 };
    const scratch = expectedFinishCost(long);
    expect(scratch.runningSeconds / 3600).toBeCloseTo(Math.expm1(4) / 0.2, 6);
    const saved = expectedFinishCost({ ...long, checkpointEverySeconds: 1800 });
    expect(saved.runningSeconds / 3600).toBeCloseTo((40 * Math.expm1(0.1)) / 0.2 + (saved.expectedLosses * 300) / 3600, 6);
    expect(saved.usd).toBeLessThan(scratch.usd / 5);
  });

  it('long jobs avoid a churny network that short jobs may use', () => {
    const churny = { ...base, pricePerGpuHourUsd: 1.5, lossPerHour: 0.15 };
    const steady = { ...base, pricePerGpuHourUsd: 1.8, lossPerHour: 0.005 };
    expect(expectedFinishCost(churny).usd).toBeLessThan(expectedFinishCost(steady).usd);
    const hours = (h: number, c: CostInputs) => expectedFinishCost({ ...c, runSeconds: h * 3600 }).usd;
    expect(hours(12, churny)).toBeGreaterThan(hours(12, steady));
  });
});

describe('rankOffers over providers', () => {
  it('never names a cloud the job allows by name unless fallback is "cloud", and passes regions to the query', async () => {
    const cloud = sim({ name: 'sim-cloud', kind: 'cloud', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1, regions: ['us-east-1'] }] });
    const net = sim({ name: 'sim-net', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2, regions: ['eu'] }] });
    const asked: unknown[] = [];
    const spy = Object.assign(Object.create(Object.getPrototypeOf(net)), net, {
      offers: async (q: Parameters<typeof net.offers>[0]) => (asked.push(q.regions), net.offers(q)),
    });
    const none = await rankOffers([cloud, spy], spec({ fallback: 'none', networks: ['sim-cloud', 'sim-net'] }), new Set(), { now: NOW });
    expect(names(none.offers)).toEqual(['sim-net']);
    const eu = await rankOffers([cloud, spy], spec({ regions: ['eu'] }), new Set(), { now: NOW });
    expect(names(eu.offers)).toEqual(['sim-net']);
    expect(asked).toEqual([undefined, ['eu']]);
  });

  it('prices waiting where the provider declares billing from launch (Provider.billing)', async () => {
    const catalog = [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }];
    const fromLaunch = Object.assign(sim({ name: 'sim-launch', catalog }), { billing: { startsAt: 'launch' as const, unitSeconds: 1 } });
    const fromRunning = Object.assign(sim({ name: 'sim-running', catalog }), { billing: { startsAt: 'running' as const, unitSeconds: 1 } });
    const r = await rankOffers([fromLaunch, fromRunning], spec(), new Set(), { now: NOW });
    expect(names(r.offers)).toEqual(['sim-running', 'sim-launch']);
    const hourly = Object.assign(sim({ name: 'sim-hourly', catalog: [{ ...catalog[0]!, pricePerGpuHourUsd: 1.9 }] }), { billing: { startsAt: 'running' as const, unitSeconds: 3600 } });
    // 5% cheaper per hour, but half an hour of rounding on average costs more than it saves.
    expect(names((await rankOffers([hourly, fromRunning], spec(), new Set(), { now: NOW })).offers)).toEqual(['sim-running', 'sim-hourly']);
  });

  it('notes a provider whose offers cannot be fetched and ranks the rest', async () => {
    const broken = sim({ name: 'sim-broken' });
    broken.offers = async () => {
      throw new Error('503 from the market');
    };
    const ok = sim({ name: 'sim-ok' });
    const r = await rankOffers([broken, ok], spec(), new Set(), { now: NOW });
    expect(names(r.offers)).toEqual(['sim-ok']);
    expect(r.notes.join()).toContain('sim-broken: offers unavailable (503 from the market)');
  });
});
