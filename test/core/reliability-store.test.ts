// The DynamoDB provider stats store on DynamoDB Local: counted once, no lost updates, one probe.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDynamoClient, documentClientOf } from '../../src/adapters/dynamodb/client.js';
import { createTable } from '../../src/adapters/dynamodb/create-table.js';
import { DynamoProviderStatsStore } from '../../src/adapters/dynamodb/provider-stats-store.js';
import { DEFAULT_RELIABILITY_CONFIG as C, breakerState, type AttemptOutcome } from '../../src/core/reliability.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const raw = createDynamoClient({ endpoint: inject('dynamoEndpoint'), region: 'local' });
const db = documentClientOf(raw);
const table = `t_${randomBytes(6).toString('hex')}`;
const T0 = Date.parse('2026-01-01T00:00:00Z');
let store: DynamoProviderStatsStore;

beforeAll(async () => {
  await createTable(raw, table);
  store = new DynamoProviderStatsStore(db, table);
});
afterAll(() => raw.destroy());

const outcome = (provider: string, attemptId: string, kind: AttemptOutcome['kind'], extra: Partial<AttemptOutcome> = {}): AttemptOutcome => ({
  attemptId,
  provider,
  gpuModel: 'H100',
  kind,
  at: new Date(T0).toISOString(),
  ...extra,
});

describe('DynamoProviderStatsStore', () => {
  it('counts an attempt once, even when recorded again with another outcome', async () => {
    expect(await store.record(outcome('p1', 'j1-a1', 'lost', { startSeconds: 40 }))).toBe(true);
    expect(await store.record(outcome('p1', 'j1-a1', 'lost'))).toBe(false);
    expect(await store.record(outcome('p1', 'j1-a1', 'delivered'))).toBe(false);
    const r = (await store.getMany(['p1'])).get('p1')!;
    expect(r.models.H100).toMatchObject({ failures: 1, successes: 0, startSamples: 1, startSecondsEwma: 40 });
    expect(r.consecutiveFailures).toBe(1);
  });

  it('loses no update when many attempts of one provider are counted at once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.record(outcome('p2', `j${i}-a1`, i % 3 === 0 ? 'refused' : 'delivered'))));
    expect(results.every(Boolean)).toBe(true);
    const m = (await store.getMany(['p2'])).get('p2')!.models.H100!;
    // Decay makes the sums fractional, but every attempt landed: the raw weight adds up.
    const weight = (m.successes + m.failures);
    const expected = Array.from({ length: 8 }, (_, k) => C.decay ** k).reduce((a, b) => a + b, 0);
    expect(weight).toBeCloseTo(expected, 6);
    expect(m.failures).toBeGreaterThan(0);
  });

  it('opens the breaker and grants the half-open probe to exactly one of many racing dispatchers', async () => {
    for (let i = 0; i < C.breakerThreshold; i++) await store.record(outcome('p3', `f${i}-a1`, 'lost'));
    const rec = (await store.getMany(['p3'])).get('p3')!;
    expect(breakerState(rec, new Date(T0))).toBe('open');
    expect(await store.claimProbe('p3', 'early-a1', new Date(T0))).toBe(false);
    const half = new Date(Date.parse(rec.openUntil!));
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claimProbe('p3', `probe${i}-a1`, half)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = `probe${claims.indexOf(true)}-a1`;
    expect((await store.getMany(['p3'])).get('p3')!.probe?.attemptId).toBe(winner);
    await store.record(outcome('p3', winner, 'delivered', { at: half.toISOString() }));
    expect(breakerState((await store.getMany(['p3'])).get('p3'), half)).toBe('closed');
  });

  it('reads many providers at once and leaves out those with no history', async () => {
    const all = await store.getMany(['p1', 'p2', 'never-used']);
    expect([...all.keys()].sort()).toEqual(['p1', 'p2']);
    expect(await store.claimProbe('never-used', 'x-a1', new Date(T0))).toBe(true); // closed: anyone may go
  });
});
