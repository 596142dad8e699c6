// Losses per running hour: learned from exposure, per host where offers name one, seeded
// by the network's own score, forgotten by time so an avoided network is trusted again.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HAZARD_CONFIG as H, hostPriorLossPerHour, offerHazard } from '../../src/core/reliability-hazard.js';
import { applyOutcome, type AttemptOutcomeKind, type ProviderStatsRecord } from '../../src/core/reliability.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let n = 0;
const feed = (rec: ProviderStatsRecord | undefined, kinds: AttemptOutcomeKind[], runSeconds: number, atSeconds = 0, hostId?: string) =>
  kinds.reduce<ProviderStatsRecord | undefined>(
    (r, kind) => applyOutcome(r, { attemptId: `h${n++}`, provider: 'net', gpuModel: 'H100', kind, runSeconds, at: at(atSeconds), ...(hostId ? { hostId } : {}) }),
    rec,
  );
const h100 = { gpuModel: 'H100' };

describe('loss rate per running hour', () => {
  it('starts at the prior for the kind and learns from losses over running hours', () => {
    expect(offerHazard(undefined, h100, 'decentralized', new Date(T0)).lossPerHour).toBeCloseTo(H.priorLossPerHour.decentralized);
    // Four losses in 40 running hours is far churnier than four in 400.
    const churny = offerHazard(feed(undefined, [...Array(4).fill('lost'), ...Array(6).fill('delivered')], 4 * 3600), h100, 'decentralized', new Date(T0));
    const calm = offerHazard(feed(undefined, [...Array(4).fill('lost'), ...Array(6).fill('delivered')], 40 * 3600), h100, 'decentralized', new Date(T0));
    expect(churny.lossPerHour).toBeGreaterThan(0.08);
    expect(calm.lossPerHour).toBeLessThan(0.02);
  });

  it('separates failing to start from losing a running machine', () => {
    const refuses = offerHazard(feed(undefined, Array.from({ length: 20 }, (_, i) => (i % 2 ? 'refused' : 'delivered')), 3600), h100, 'decentralized', new Date(T0));
    expect(refuses.pStart).toBeLessThan(0.65);
    expect(refuses.lossPerHour).toBeLessThan(H.priorLossPerHour.decentralized);
    const hangs = offerHazard(feed(undefined, Array(6).fill('start-missed'), 0), h100, 'decentralized', new Date(T0));
    expect(hangs.missShare).toBeGreaterThan(0.7);
  });

  it('forgets by time: a network nobody used for days is back near its prior', () => {
    const bad = feed(undefined, Array(10).fill('lost'), 1800);
    const now = offerHazard(bad, h100, 'decentralized', new Date(T0));
    const later = offerHazard(bad, h100, 'decentralized', new Date(T0 + 4 * 86_400_000));
    expect(now.lossPerHour).toBeGreaterThan(0.5);
    expect(later.lossPerHour).toBeLessThan(2 * H.priorLossPerHour.decentralized);
    expect(later.pStart).toBeCloseTo(H.priorStart.decentralized, 1);
  });
});

describe('per host', () => {
  it('seeds a machine from the network’s own score and learns each machine apart', () => {
    expect(hostPriorLossPerHour(0.99)).toBeLessThan(hostPriorLossPerHour(0.9));
    const good = offerHazard(undefined, { ...h100, hostId: 'm1', hostReliability: 0.999 }, 'decentralized', new Date(T0));
    const poor = offerHazard(undefined, { ...h100, hostId: 'm2', hostReliability: 0.8 }, 'decentralized', new Date(T0));
    expect(good.lossPerHour).toBeLessThan(poor.lossPerHour);
    const r = feed(undefined, Array(5).fill('lost'), 1800, 0, 'm1');
    const m1 = offerHazard(r, { ...h100, hostId: 'm1', hostReliability: 0.999 }, 'decentralized', new Date(T0));
    const m3 = offerHazard(r, { ...h100, hostId: 'm3', hostReliability: 0.999 }, 'decentralized', new Date(T0));
    expect(m1.lossPerHour).toBeGreaterThan(0.2);
    expect(m3.lossPerHour).toBeCloseTo(hostPriorLossPerHour(0.999));
    expect(Object.keys(r!.hosts!)).toEqual(['m1']);
  });
});
