// The reliability model: what counts against a provider, how estimates move, and the breaker.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RELIABILITY_CONFIG as C,
  applyOutcome,
  breakerState,
  expectedStartSeconds,
  successProbability,
  type AttemptOutcomeKind,
  type ProviderStatsRecord,
} from '../../src/core/reliability.js';
import { InMemoryProviderStats } from '../../src/core/reliability-store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

let n = 0;
const feed = (rec: ProviderStatsRecord | undefined, kinds: AttemptOutcomeKind[], atSeconds = 0, gpuModel = 'H100') =>
  kinds.reduce<ProviderStatsRecord | undefined>(
    (r, kind) => applyOutcome(r, { attemptId: `a${n++}`, provider: 'net', gpuModel, kind, at: at(atSeconds) }),
    rec,
  );

describe('success probability', () => {
  it('starts at the prior for the provider kind', () => {
    expect(successProbability(undefined, 'H100', 'decentralized')).toBeCloseTo(C.priorSuccess.decentralized);
    expect(successProbability(undefined, 'H100', 'cloud')).toBeCloseTo(C.priorSuccess.cloud);
  });

  it('falls with provider faults and is learned per GPU model', () => {
    const r = feed(undefined, ['lost', 'refused', 'start-missed', 'provider-error']);
    expect(successProbability(r, 'H100', 'decentralized')).toBeLessThan(0.7);
    expect(successProbability(r, 'A100-80GB', 'decentralized')).toBeCloseTo(C.priorSuccess.decentralized);
    // Model names are compared the way placement compares them.
    expect(successProbability(r, 'h100', 'decentralized')).toBe(successProbability(r, 'H100', 'decentralized'));
  });

  it('does not count a workload failure against the provider', () => {
    const r = feed(undefined, ['delivered', 'delivered']);
    expect(successProbability(r, 'H100', 'decentralized')).toBeGreaterThan(C.priorSuccess.decentralized);
    expect(r!.consecutiveFailures).toBe(0);
  });

  it('forgets old history: a recovered provider climbs back', () => {
    const bad = feed(undefined, Array(20).fill('lost'));
    const recovered = feed(bad, Array(100).fill('delivered'));
    expect(successProbability(bad, 'H100', 'decentralized')).toBeLessThan(0.4);
    expect(successProbability(recovered, 'H100', 'decentralized')).toBeGreaterThan(0.9);
  });
});

describe('start delay', () => {
  it('moves from the advertised delay toward the measured one', () => {
    let r: ProviderStatsRecord | undefined;
    for (let i = 0; i < 10; i++) r = applyOutcome(r, { attemptId: `s${i}`, provider: 'net', gpuModel: 'H100', kind: 'delivered', startSeconds: 600, at: at(0) });
    expect(expectedStartSeconds(undefined, 'H100', 60)).toBe(60);
    const est = expectedStartSeconds(r, 'H100', 60);
    expect(est).toBeGreaterThan(400);
    expect(est).toBeLessThan(600);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive faults, not before', () => {
    const almost = feed(undefined, Array(C.breakerThreshold - 1).fill('lost'));
    expect(breakerState(almost, new Date(T0))).toBe('closed');
    const open = feed(almost, ['refused']);
    expect(breakerState(open, new Date(T0))).toBe('open');
    expect(breakerState(open, new Date(T0 + (C.breakerCooldownSeconds - 1) * 1000))).toBe('open');
    expect(breakerState(open, new Date(T0 + C.breakerCooldownSeconds * 1000))).toBe('half-open');
  });

  it('a delivered attempt in between resets the streak', () => {
    const r = feed(undefined, [...Array(C.breakerThreshold - 1).fill('lost'), 'delivered', ...Array(C.breakerThreshold - 1).fill('lost')]);
    expect(breakerState(r, new Date(T0))).toBe('closed');
  });

  it('lets one probe through when half-open; a failed probe reopens for twice as long, a good one closes', async () => {
    const stats = new InMemoryProviderStats();
    for (let i = 0; i < C.breakerThreshold; i++) await stats.record({ attemptId: `f${i}`, provider: 'net', gpuModel: 'H100', kind: 'lost', at: at(0) });
    const half = new Date(T0 + C.breakerCooldownSeconds * 1000);
    expect(await stats.claimProbe('net', 'open-try', new Date(T0))).toBe(false);
    expect(await stats.claimProbe('net', 'p1', half)).toBe(true);
    expect(await stats.claimProbe('net', 'p2', half)).toBe(false); // one probe at a time
    expect(await stats.claimProbe('net', 'p1', half)).toBe(true); // the holder may ask again

    await stats.record({ attemptId: 'p1', provider: 'net', gpuModel: 'H100', kind: 'start-missed', at: half.toISOString() });
    const reopened = (await stats.getMany(['net'])).get('net')!;
    expect(Date.parse(reopened.openUntil!) - half.getTime()).toBe(2 * C.breakerCooldownSeconds * 1000);

    const half2 = new Date(Date.parse(reopened.openUntil!));
    expect(await stats.claimProbe('net', 'p3', half2)).toBe(true);
    await stats.record({ attemptId: 'p3', provider: 'net', gpuModel: 'H100', kind: 'delivered', at: half2.toISOString() });
    expect(breakerState((await stats.getMany(['net'])).get('net'), half2)).toBe('closed');
    expect(await stats.claimProbe('net', 'anyone', half2)).toBe(true);
  });

  it('a probe that never reports frees the right after the probe timeout', async () => {
    const stats = new InMemoryProviderStats();
    for (let i = 0; i < C.breakerThreshold; i++) await stats.record({ attemptId: `f${i}`, provider: 'net', gpuModel: 'H100', kind: 'lost', at: at(0) });
    const half = T0 + C.breakerCooldownSeconds * 1000;
    expect(await stats.claimProbe('net', 'p1', new Date(half))).toBe(true);
    expect(await stats.claimProbe('net', 'p2', new Date(half + (C.probeTimeoutSeconds - 1) * 1000))).toBe(false);
    expect(await stats.claimProbe('net', 'p2', new Date(half + C.probeTimeoutSeconds * 1000))).toBe(true);
  });
});

describe('in-memory stats store', () => {
  it('counts an attempt once however often it is recorded', async () => {
    const stats = new InMemoryProviderStats();
    const o = { attemptId: 'x', provider: 'net', gpuModel: 'H100', kind: 'lost' as const, at: at(0) };
    expect(await stats.record(o)).toBe(true);
    expect(await stats.record(o)).toBe(false);
    expect(await stats.record({ ...o, kind: 'delivered' })).toBe(false);
    const r = (await stats.getMany(['net', 'other'])).get('net')!;
    expect(r.models.H100!.failures).toBe(1);
    expect(r.models.H100!.successes).toBe(0);
    expect((await stats.getMany(['other'])).size).toBe(0);
  });
});
