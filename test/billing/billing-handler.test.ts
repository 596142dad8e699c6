// The scheduled billing handler over the composed money system (real Stripe client → fake
// Stripe, real ledger on DynamoDB Local), and the deployed stack's money configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMoney } from '../../src/billing/compose.js';
import { billingOptionsFromEnvironment, moneyOptionsFromEnvironment } from '../../src/billing/environment.js';
import type { Job } from '../../src/core/job.js';
import { BillingRunFailedError, createBillingHandler } from '../../src/handlers/billing-handler.js';
import { moneyTable, setTerms } from '../support/fakes/ledger-table.js';
import { StripeFake } from '../support/fakes/stripe-fake.js';

let table: Awaited<ReturnType<typeof moneyTable>>;
let fake: StripeFake;
beforeAll(async () => {
  [table, fake] = await Promise.all([moneyTable(), new StripeFake().start()]);
});
afterAll(async () => {
  await fake.stop();
  table.close();
});

describe('billing handler', () => {
  it('bills the previous month by default, reports a summary, and fails loudly when a tenant fails', async () => {
    let now = Date.parse('2026-06-15T08:00:00Z');
    const clock = { now: () => new Date(now) };
    const money = composeMoney(table.db, table.tableName, clock, { stripe: { apiKey: fake.key, host: '127.0.0.1', port: fake.port, protocol: 'http', webhookSecret: 'whsec_x' } });
    await setTerms(money.billing, 't-ok', { mode: 'invoice' });
    await setTerms(money.billing, 't-idle', { mode: 'invoice' });
    const at = new Date(now).toISOString();
    const end = new Date(now + 7200_000).toISOString();
    const job: Job = {
      id: 'job_ok', tenantId: 't-ok', status: 'succeeded', version: 4, eventSeq: 6, createdAt: at, updatedAt: end,
      spec: { image: 'x', command: ['x'], resources: { gpu: { models: ['A100'], count: 4 } }, maxDurationSeconds: 7200, maxPricePerGpuHourUsd: 2, placement: { strategy: 'cheapest', fallback: 'cloud' } },
      attempts: [{ id: 'a1', provider: 'sim-x', offerId: 'o', gpuModel: 'A100', pricePerGpuHourUsd: 1.1, status: 'succeeded', createdAt: at, startedAt: at, endedAt: end, exitCode: 0 }],
    };
    await money.accounting.hold(job);
    expect((await money.accounting.settle(job)).costMicroUsd).toBe(10_120_000); // 2 h × 4 × $1.10 × 1.15
    now = Date.parse('2026-07-01T00:05:00Z');
    const handler = createBillingHandler((period) => money.runBilling(period));
    expect(await handler({})).toEqual({ sent: 1, alreadySent: 0, nothingToBill: 1, failed: [] });
    expect(await handler({ period: '2026-06' })).toEqual({ period: '2026-06', sent: 0, alreadySent: 1, nothingToBill: 1, failed: [] });
    await expect(handler({ period: '2026-13' })).rejects.toThrow(/YYYY-MM/);

    const broken = composeMoney(table.db, table.tableName, clock, { stripe: { apiKey: 'sk_wrong', host: '127.0.0.1', port: fake.port, protocol: 'http', webhookSecret: 'whsec_x' } });
    await setTerms(broken.billing, 't-new', { mode: 'invoice' });
    now = Date.parse('2026-07-02T00:00:00Z');
    await broken.accounting.hold({ ...job, id: 'job_new', tenantId: 't-new', createdAt: new Date(now).toISOString() });
    await broken.accounting.settle({ ...job, id: 'job_new', tenantId: 't-new' });
    now = Date.parse('2026-08-01T00:00:00Z');
    const error = await createBillingHandler((p) => broken.runBilling(p))({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingRunFailedError);
    expect((error as BillingRunFailedError).summary.failed).toEqual(['t-new']);
  });

  it('reads the deployed configuration from the environment and the Stripe secret from Secrets Manager', async () => {
    const reads: string[] = [];
    const read = async (arn: string) => {
      reads.push(arn);
      return { apiKey: 'sk_live_x', webhookSecret: 'whsec_live' };
    };
    const env = { STRIPE_SECRET_ARN: 'arn:stripe', MARGIN_BPS: '2000', USDC_BASE_RPC_URL: 'https://base.example', USDC_BASE_TREASURY: '0xabc', USDC_BASE_CONFIRMATIONS: '12', USDC_PAYOUTS: '{"ionet":{"chain":"solana","address":"x"}}' };
    const api = moneyOptionsFromEnvironment(env, read);
    expect(api).toMatchObject({ pricing: { defaultMarginBps: 2000 }, usdc: { base: { rpcUrl: 'https://base.example', treasury: '0xabc', confirmations: 12 } }, payouts: { ionet: { chain: 'solana', address: 'x' } } });
    expect(reads).toEqual([]); // nothing read until a webhook arrives
    expect(await (api.stripe!.webhookSecret as () => Promise<string>)()).toBe('whsec_live');
    expect((await billingOptionsFromEnvironment(env, read)).stripe).toMatchObject({ apiKey: 'sk_live_x', webhookSecret: 'whsec_live' });
    await expect(billingOptionsFromEnvironment({}, read)).rejects.toThrow(/STRIPE_SECRET_ARN/);
    await expect(billingOptionsFromEnvironment({ STRIPE_SECRET_ARN: 'a' }, async () => ({ apiKey: 'k' }))).rejects.toThrow(/webhookSecret/);
  });
});
