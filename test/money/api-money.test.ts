// Money through the whole system: USDC top-up, hold at submit, settle at the end, cost on
// the job, usage, ledger, quotes, budgets, and the admin trial balance.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem, SystemOptions } from '../../src/local/system.js';
import { seedTenant } from '../../src/local/seed.js';
import { USDC_BASE_CONTRACT } from '../../src/payments/usdc.js';
import { randomEvmAddress, startBaseFake } from '../support/fakes/base-rpc-fake.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';
import { expectMoneyInvariants } from './invariants-helper.js';

let system: RunningSystem | undefined;
let chain: Awaited<ReturnType<typeof startBaseFake>>;
const treasury = randomEvmAddress();
const wallet = randomEvmAddress();
beforeAll(async () => {
  chain = await startBaseFake();
});
afterAll(() => chain.stop());
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const start = async (clock: ManualClock, options: Partial<SystemOptions> = {}) => {
  system = await startTestSystem({
    loops: false,
    clock,
    money: { usdc: { base: { rpcUrl: chain.url, treasury, confirmations: 1 } } },
    ...options,
  });
  return system;
};

const admin = (s: RunningSystem) => ({ url: s.url, apiKey: s.adminKey });

/** Submit → dispatch → running → `seconds` later finished → settled. */
const runToSettled = async (s: RunningSystem, clock: ManualClock, id: string, seconds: number) => {
  await s.queue.pollOnce();
  await s.reconcile(); // running
  clock.advance(seconds * 1000);
  await s.reconcile(); // finished
  await s.reconcile(); // settled
  return (await api(s, 'GET', `/v1/jobs/${id}`)).body;
};

describe('money through the API', () => {
  it('tops up with USDC, holds at submit, charges the metered cost, releases the rest', async () => {
    const clock = new ManualClock();
    const s = await start(clock, { providers: [sim({ name: 'sim-a', runTimeMs: 60_000 }, clock)] });
    expect((await api(admin(s), 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'prepaid', wallets: { base: [wallet] } } })).status).toBe(200);

    const tx = chain.add({ from: wallet, transfers: [{ token: USDC_BASE_CONTRACT, from: wallet, to: treasury, value: 5_000_000n }] });
    const paid = await api(s, 'POST', '/v1/payments/usdc', { body: { chain: 'base', tx } });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ creditedMicroUsd: 5_000_000, availableMicroUsd: 5_000_000 });
    const again = await api(s, 'POST', '/v1/payments/usdc', { body: { chain: 'base', tx } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/problem\+json/);
    expect(again.body.type).toMatch(/usdc-already-credited$/);

    clock.advance(1000);
    // $2.50 ceiling × 1 h × 1 GPU = a $2.50 hold.
    const job = (await api(s, 'POST', '/v1/jobs', { body: simJob({ maxPricePerGpuHourUsd: 2.5 }) })).body;
    let balance = (await api(s, 'GET', '/v1/balance')).body;
    expect(balance).toMatchObject({ mode: 'prepaid', availableMicroUsd: 2_500_000, heldMicroUsd: 2_500_000 });

    const done = await runToSettled(s, clock, job.id, 60);
    expect(done.status).toBe('succeeded');
    expect(done.costMicroUsd).toBe(38_333); // 60 s × $2/h × 1.15
    balance = (await api(s, 'GET', '/v1/balance')).body;
    expect(balance).toMatchObject({ availableMicroUsd: 5_000_000 - 38_333, heldMicroUsd: 0, monthToDate: { month: '2026-01', committedMicroUsd: 38_333 } });

    const usage = (await api(s, 'GET', '/v1/usage?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z')).body;
    expect(usage).toMatchObject({ items: [{ jobId: job.id, costMicroUsd: 38_333, billedSeconds: 60, gpuModel: 'H100', provider: 'sim-a', jobStatus: 'succeeded' }], totalMicroUsd: 38_333 });
    expect((await api(s, 'GET', '/v1/usage?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z')).body.totalMicroUsd).toBe(0);

    const ledger = (await api(s, 'GET', '/v1/ledger')).body.items;
    expect(ledger.map((p: { kind: string }) => p.kind)).toEqual(['job.settle', 'job.hold', 'usdc.deposit']);
    expect(ledger[0].entries).toEqual(expect.arrayContaining([{ account: 'holds', amountMicroUsd: -2_500_000 }, { account: 'available', amountMicroUsd: 2_461_667 }]));
    // Never the provider's cost or the platform's accounts.
    expect(JSON.stringify(ledger)).not.toMatch(/providerCost|platform:|provider:/);

    const trial = await api(admin(s), 'GET', '/v1/admin/ledger/trial-balance');
    expect(trial.body).toMatchObject({ totalMicroUsd: 0, violations: [] });
    expect((await api(s, 'GET', '/v1/admin/ledger/trial-balance')).status).toBe(403);
    const statement = (await api(admin(s), 'GET', '/v1/admin/billing/providers/sim-a/statement')).body;
    expect(statement).toMatchObject({ provider: 'sim-a', owedMicroUsd: 33_333, lines: [{ jobId: job.id, amountMicroUsd: 33_333 }] });
    await expectMoneyInvariants(s, [job.id]);
  });

  it('refuses with 402 and writes nothing when the balance or the monthly budget cannot cover the hold', async () => {
    const clock = new ManualClock();
    const s = await start(clock, { providers: [sim({ name: 'sim-a' }, clock)] });
    await api(admin(s), 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'prepaid' } });
    const broke = await api(s, 'POST', '/v1/jobs', { body: simJob() });
    expect(broke.status).toBe(402);
    expect(broke.body).toMatchObject({ type: expect.stringMatching(/insufficient-balance$/), requiredMicroUsd: 10_000_000, availableMicroUsd: 0 });

    await api(admin(s), 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'invoice', monthlyBudgetMicroUsd: 15_000_000 } });
    expect((await api(s, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(202); // reserves $10 of $15
    const over = await api(s, 'POST', '/v1/jobs', { body: simJob() });
    expect(over.status).toBe(402);
    expect(over.body).toMatchObject({ type: expect.stringMatching(/budget-exceeded$/), budgetMicroUsd: 15_000_000, committedMicroUsd: 10_000_000, requiredMicroUsd: 10_000_000 });
    expect(over.body.detail).toMatch(/monthly budget of \$15\.000000/);
    expect((await api(s, 'GET', '/v1/jobs')).body.items).toHaveLength(1);
    const quote = (await api(s, 'POST', '/v1/quotes', { body: simJob({ maxDurationSeconds: 1800 }) })).body;
    expect(quote.budget).toEqual({ monthlyBudgetMicroUsd: 15_000_000, committedMicroUsd: 10_000_000, fits: true });
    expect(quote.holdMicroUsd).toBe(5_000_000);
  });

  it('does not bill the customer for a machine the network lost, but records what that network is owed', async () => {
    const clock = new ManualClock();
    const flaky = sim({ name: 'sim-flaky', failureRate: 1, runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const steady = sim({ name: 'sim-steady', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
    const s = await start(clock, { providers: [flaky, steady] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ resources: { gpu: { models: ['H100'], count: 2 } } }) })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(6_000);
    await s.reconcile(); // lost → failover
    const job = await runToSettled(s, clock, id, 11);
    expect(job.attempts.map((a: { provider: string; status: string }) => `${a.provider}:${a.status}`)).toEqual(['sim-flaky:failed', 'sim-steady:succeeded']);
    expect(job.costMicroUsd).toBe(14_056); // 11 s × 2 GPUs × $2/h × 1.15 = 14_055.6; flaky's 6 s not billed
    const flakyOwed = (await api(admin(s), 'GET', '/v1/admin/billing/providers/sim-flaky/statement')).body.owedMicroUsd;
    expect(flakyOwed).toBe(3_333); // 6 s × 2 GPUs × $1/h
    await expectMoneyInvariants(s, [id]);
  });

  it('quotes candidate offers in dispatch order with the customer price, and checks scopes', async () => {
    const clock = new ManualClock();
    const cheap = sim({ name: 'sim-cheap', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1.99 }] }, clock);
    const dear = sim({ name: 'sim-dear', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 3 }] }, clock);
    const s = await start(clock, { providers: [dear, cheap] });
    const quote = await api(s, 'POST', '/v1/quotes', { body: simJob({ maxPricePerGpuHourUsd: 3.2 }) });
    expect(quote.status).toBe(200);
    expect(quote.body.offers.map((o: { provider: string; pricePerGpuHourMicroUsd: number }) => [o.provider, o.pricePerGpuHourMicroUsd])).toEqual([
      ['sim-cheap', 2_288_500], // $1.99 + 15 %
      ['sim-dear', 3_200_000], // $3.45 capped at the job's $3.20 ceiling
    ]);
    expect(quote.body.priceRange).toEqual({ minMicroUsd: 2_288_500, maxMicroUsd: 3_200_000 });
    expect(quote.body.holdMicroUsd).toBe(3_200_000);
    expect((await api(s, 'POST', '/v1/quotes', { body: { image: 'x' } })).status).toBe(400);

    const readOnly = await seedTenant(s.tenants, { tenantId: 'viewer', name: 'Viewer', scopes: ['jobs:read'] });
    expect((await api({ url: s.url, apiKey: readOnly }, 'GET', '/v1/balance')).status).toBe(403);
    expect((await api({ url: s.url, apiKey: readOnly }, 'GET', '/v1/usage')).status).toBe(403);
    expect((await api({ url: s.url, apiKey: readOnly }, 'PUT', '/v1/admin/billing/tenants/viewer', { body: { mode: 'prepaid' } })).status).toBe(403);
    expect((await api(s, 'GET', '/v1/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
  });
});
