// What a submit costs in DynamoDB calls, counted by the SDK middleware against DynamoDB
// Local: a fresh submit is at most 4 calls with exactly one TransactWriteItems (job, first
// event, idempotency record and hold together); a replayed Idempotency-Key writes nothing;
// revoking a key still works on the very next request; and because the job and its hold
// are one write, a failure of that write leaves neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../src/core/api-keys.js';
import { DynamoCallCounter, writeCalls } from '../../src/adapters/dynamodb/call-counter.js';
import type { RunningSystem } from '../../src/local/system.js';
import { holdId } from '../../src/money/accounting.js';
import { accounts } from '../../src/money/ledger.js';
import { api, startTestSystem } from '../support/system.js';
import { sim, simJob } from '../support/sim.js';

let system: RunningSystem;
let counter: DynamoCallCounter;
beforeAll(async () => {
  // No loops: the dispatcher and reconciler make no calls while a submit is counted.
  system = await startTestSystem({ loops: false, providers: [sim({ name: 'sim-a' })] });
  counter = new DynamoCallCounter().attach(system.db);
});
afterAll(() => system.stop());

const submit = (headers: Record<string, string> = {}, body: unknown = simJob(), key?: string) =>
  counter.during(() => api(system, 'POST', '/v1/jobs', { body, headers, ...(key ? { key } : {}) }));

describe('DynamoDB calls per submit', () => {
  it('a fresh submit makes at most 4 calls, exactly one of them a TransactWriteItems, and stores the job with its hold', async () => {
    await submit(); // the first request of a key creates its rate bucket; count a steady one
    const { result, counts } = await submit();
    expect(result.status).toBe(202);
    expect(counts.total).toBeLessThanOrEqual(4);
    expect(counts.calls.TransactWriteItems).toBe(1);
    expect(writeCalls(counts)).toBe(2); // the transaction and the rate-limit update
    expect(counts.calls.UpdateItem).toBe(1);
    expect(await system.money.ledger.getPosting(holdId(result.body.id))).toMatchObject({ kind: 'job.hold', jobId: result.body.id });
  });

  it('with an Idempotency-Key a fresh submit still writes once; a replay writes nothing and reads only the key and the record', async () => {
    const body = simJob();
    const first = await submit({ 'idempotency-key': 'perf-1' }, body);
    expect(first.result.status).toBe(202);
    expect(first.counts.calls.TransactWriteItems).toBe(1);
    expect(first.counts.calls.GetItem).toBeLessThanOrEqual(3); // API key, idempotency record, billing terms

    const replay = await submit({ 'idempotency-key': 'perf-1' }, body);
    expect(replay.result.status).toBe(202);
    expect(replay.result.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.result.body).toEqual(first.result.body);
    // The one UpdateItem is the rate-limit bucket; nothing about jobs or money is written.
    expect(replay.counts.calls).toEqual({ GetItem: 2, UpdateItem: 1 });
  });

  it('a revoked key is refused on the very next request', async () => {
    const { seedTenant } = await import('../../src/local/seed.js');
    const key = await seedTenant(system.tenants, { tenantId: 'perf-revoke', name: 'Revoke me' });
    expect((await submit({}, simJob(), key)).result.status).not.toBe(401);
    const keyId = parseApiKey(key)!.keyId;
    await system.tenants.revokeKey(keyId, new Date().toISOString(), {
      id: 'aud_perf_revoke',
      at: new Date().toISOString(),
      action: 'key.revoked',
      actor: { tenantId: 'operator', keyId: 'test' },
      tenantId: 'perf-revoke',
      keyId,
    });
    expect((await submit({}, simJob(), key)).result.status).toBe(401);
  });
});

describe('the job and its hold are one write', () => {
  it('a failure of that write stores neither the job nor its hold', async () => {
    const before = (await api(system, 'GET', '/v1/jobs?limit=100')).body.items.length;
    const holdsBefore = (await system.money.ledger.tenantPostings(system.tenantId, { kind: 'job.hold' })).items.length;
    // The process "crashes" at the write: the transaction never reaches DynamoDB.
    let failNext = true;
    system.db.middlewareStack.add(
      (next, context) => async (args) => {
        if (failNext && context.commandName === 'TransactWriteItemsCommand') {
          failNext = false;
          throw new Error('simulated crash at the submit write');
        }
        return next(args);
      },
      { step: 'initialize', name: 'perfCrashOnce' },
    );
    try {
      const res = await api(system, 'POST', '/v1/jobs', { body: simJob() });
      expect(res.status).toBe(500);
    } finally {
      system.db.middlewareStack.remove('perfCrashOnce');
    }
    expect((await api(system, 'GET', '/v1/jobs?limit=100')).body.items.length).toBe(before);
    expect((await system.money.ledger.tenantPostings(system.tenantId, { kind: 'job.hold' })).items.length).toBe(holdsBefore);
  });

  it('a refused hold stores no job: a prepaid tenant with too little balance gets 402 and nothing is written', async () => {
    const { seedTenant } = await import('../../src/local/seed.js');
    const tenantId = 'perf-prepaid';
    const key = await seedTenant(system.tenants, { tenantId, name: 'Prepaid' });
    expect((await api({ url: system.url, apiKey: system.adminKey }, 'PUT', `/v1/admin/billing/tenants/${tenantId}`, { body: { mode: 'prepaid' } })).status).toBe(200);
    // $1 available; the job may cost up to $5 (1 GPU × 1 h × $5).
    await system.money.ledger.post({
      id: 'perf-deposit',
      kind: 'usdc.deposit',
      at: new Date().toISOString(),
      tenantId,
      memo: 'test deposit',
      entries: [
        { account: accounts.usdcTreasury('base'), amountMicroUsd: 1_000_000 },
        { account: accounts.available(tenantId), amountMicroUsd: -1_000_000 },
      ],
    });
    const body = { ...simJob(), maxDurationSeconds: 3600, maxPricePerGpuHourUsd: 5 };
    const { result, counts } = await submit({}, body, key);
    expect(result.status).toBe(402);
    expect(result.body.type).toMatch(/insufficient-balance$/);
    expect(counts.calls.TransactWriteItems).toBe(1); // the refusal is the write's own condition
    expect((await api(system, 'GET', '/v1/jobs?limit=100', { key })).body.items).toHaveLength(0);
    expect((await system.money.ledger.tenantPostings(tenantId, { kind: 'job.hold' })).items).toHaveLength(0);
    const balances = await system.money.ledger.balances([accounts.available(tenantId), accounts.holds(tenantId)]);
    expect(balances).toEqual({ [accounts.available(tenantId)]: -1_000_000, [accounts.holds(tenantId)]: 0 });

    // Enough balance: the same job is stored with its hold moved from available to holds.
    const ok = await submit({}, { ...body, maxPricePerGpuHourUsd: 0.5 }, key);
    expect(ok.result.status).toBe(202);
    expect(ok.counts.calls.TransactWriteItems).toBe(1);
    const after = await system.money.ledger.balances([accounts.available(tenantId), accounts.holds(tenantId)]);
    expect(after[accounts.holds(tenantId)]).toBe(-500_000);
    expect(after[accounts.available(tenantId)]).toBe(-500_000);
  });
});
