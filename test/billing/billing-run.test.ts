// The monthly billing run with the real `stripe` client against the local fake Stripe,
// and the real ledger on DynamoDB Local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInvoiceStore } from '../../src/adapters/dynamodb/invoice-store.js';
import { runMonthlyBilling, type BillingRunDeps } from '../../src/billing/billing-run.js';
import { createStripe } from '../../src/billing/stripe-client.js';
import type { Job } from '../../src/core/job.js';
import { LedgerAccounting } from '../../src/money/accounting.js';
import { balanceViolations, trialBalance } from '../../src/money/invariants.js';
import { accounts, normalBalance } from '../../src/money/ledger.js';
import { DEFAULT_PRICING } from '../../src/money/pricing.js';
import { moneyTable, setTerms } from '../support/fakes/ledger-table.js';
import { StripeFake } from '../support/fakes/stripe-fake.js';

let table: Awaited<ReturnType<typeof moneyTable>>;
let fake: StripeFake;
let deps: BillingRunDeps;
let t = Date.parse('2026-02-03T09:00:00Z');
const clock = { now: () => new Date(t) };

beforeAll(async () => {
  table = await moneyTable();
  fake = await new StripeFake().start();
  deps = {
    stripe: createStripe({ apiKey: fake.key, host: '127.0.0.1', port: fake.port, protocol: 'http' }),
    ledger: table.ledger,
    billing: table.billing,
    invoices: new DynamoInvoiceStore(table.db, table.tableName),
    clock,
  };
});
afterAll(async () => {
  await fake.stop();
  table.close();
});

/** Run a job of `seconds` on one H100 at $2/h for `tenantId` through hold and settle, at the current clock. */
const runJob = async (tenantId: string, n: number, seconds: number): Promise<number> => {
  const accounting = new LedgerAccounting({ ledger: table.ledger, billing: table.billing, clock, pricing: DEFAULT_PRICING });
  const start = new Date(t).toISOString();
  const end = new Date(t + seconds * 1000).toISOString();
  const job: Job = {
    id: `job_${tenantId}_${n}`, tenantId, status: 'succeeded', version: 3, eventSeq: 5, createdAt: start, updatedAt: end,
    spec: { image: 'x', command: ['x'], resources: { gpu: { models: ['H100'], count: 1 } }, maxDurationSeconds: 86_400, maxPricePerGpuHourUsd: 5, placement: { strategy: 'cheapest', fallback: 'cloud' } },
    attempts: [{ id: `a${n}`, provider: 'sim-spot', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 2, status: 'succeeded', createdAt: start, startedAt: start, endedAt: end, exitCode: 0 }],
  };
  await accounting.hold(job);
  return (await accounting.settle(job)).costMicroUsd;
};

const stripeCreates = () => fake.requests.filter((r) => r.method === 'POST' && !r.replayed && /^\/v1\/(customers|invoices|invoiceitems)$/.test(r.path)).length;

describe('monthly billing run', () => {
  it('invoices last month per job, adding up to the ledger to the cent, and a retried run creates nothing twice', async () => {
    await setTerms(table.billing, 'acme', { mode: 'invoice', email: 'ap@acme.test', daysUntilDue: 14 });
    await setTerms(table.billing, 'prepaid-co', { mode: 'prepaid' });
    const costs = [await runJob('acme', 1, 3601), await runJob('acme', 2, 17), await runJob('acme', 3, 905)];
    t = Date.parse('2026-03-01T00:30:00Z');
    await runJob('acme', 4, 60); // March: not on February's invoice
    t = Date.parse('2026-03-02T06:00:00Z');

    const [result, ...others] = await runMonthlyBilling(deps);
    expect(others).toEqual([]); // prepaid tenants get no invoice
    const exactMicro = costs.reduce((s, c) => s + c, 0); // 2_300_639 + 10_861 + 578_194
    const expectedCents = Math.round(exactMicro / 10_000);
    expect(result).toMatchObject({ tenantId: 'acme', outcome: 'sent', totalCents: expectedCents, lines: 3 });

    const invoice = fake.invoices.get(result!.stripeInvoiceId!)!;
    expect(invoice).toMatchObject({ collection_method: 'send_invoice', days_until_due: 14, status: 'open', total: expectedCents, metadata: { tenantId: 'acme', period: '2026-02' } });
    expect(fake.sent.has(invoice.id)).toBe(true);
    expect(invoice.lines.data.map((l: { metadata: { lineKey: string } }) => l.metadata.lineKey)).toEqual(['job_acme_1', 'job_acme_2', 'job_acme_3']);
    expect(invoice.lines.data.reduce((s: number, l: { amount: number }) => s + l.amount, 0)).toBe(expectedCents);
    expect(fake.customers.get(invoice.customer)!.email).toBe('ap@acme.test');
    expect((await table.billing.get('acme')).stripeCustomerId).toBe(invoice.customer);
    // Every Stripe write carried an idempotency key.
    expect(fake.requests.filter((r) => r.method === 'POST').every((r) => r.idempotencyKey)).toBe(true);

    // The ledger: receivable equals the invoice, February's unbilled usage is cleared, books balance.
    const b = await table.ledger.balances([accounts.receivable('acme'), accounts.unbilled('acme')]);
    expect(normalBalance(accounts.receivable('acme'), b[accounts.receivable('acme')]!)).toBe(expectedCents * 10_000);
    const march = await table.ledger.getPosting('settle:job_acme_4');
    expect(b[accounts.unbilled('acme')]).toBe(Number(march!.details!.customerMicroUsd));
    const all = await table.ledger.allBalances();
    expect(trialBalance(all)).toBe(0);
    expect(balanceViolations(all, (id) => (id === 'prepaid-co' ? 'prepaid' : 'invoice'))).toEqual([]);

    const writes = stripeCreates();
    const again = await runMonthlyBilling(deps);
    expect(again[0]).toMatchObject({ tenantId: 'acme', outcome: 'already-sent', stripeInvoiceId: invoice.id });
    expect(stripeCreates()).toBe(writes);
    expect(fake.invoices.size).toBe(1);
  });

  it('finishes a run that crashed half-way, days later, without duplicating a line', async () => {
    await setTerms(table.billing, 'globex', { mode: 'invoice' });
    t = Date.parse('2026-04-10T12:00:00Z');
    for (let n = 1; n <= 4; n++) await runJob('globex', n, 600 * n);
    t = Date.parse('2026-05-01T01:00:00Z');
    // The third invoice item fails through all of the client's retries: the run stops there.
    let items = 0;
    const realCreate = deps.stripe.invoiceItems.create.bind(deps.stripe.invoiceItems);
    deps.stripe.invoiceItems.create = (async (...args: Parameters<typeof realCreate>) => {
      if (++items === 3) fake.failNext(/POST \/v1\/invoiceitems/, 3);
      return realCreate(...args);
    }) as typeof realCreate;
    const crashed = (await runMonthlyBilling(deps, '2026-04')).find((r) => r.tenantId === 'globex');
    deps.stripe.invoiceItems.create = realCreate;
    expect(crashed).toMatchObject({ tenantId: 'globex', outcome: 'error' });
    const draft = [...fake.invoices.values()].find((i) => i.metadata.tenantId === 'globex')!;
    expect(draft.status).toBe('draft');
    expect(draft.lines.data).toHaveLength(2);

    fake.forgetIdempotencyKeys(); // more than 24 hours later: Stripe no longer remembers the keys
    const done = (await runMonthlyBilling(deps, '2026-04')).find((r) => r.tenantId === 'globex');
    expect(done).toMatchObject({ outcome: 'sent', stripeInvoiceId: draft.id, lines: 4 });
    expect([...fake.invoices.values()].filter((i) => i.metadata.tenantId === 'globex')).toHaveLength(1);
    expect(draft.lines.data.map((l: { metadata: { lineKey: string } }) => l.metadata.lineKey)).toEqual(['job_globex_1', 'job_globex_2', 'job_globex_3', 'job_globex_4']);
    expect(draft.total).toBe(done!.totalCents);
    expect(fake.customers.size).toBe(2); // acme and globex, one each
  });
});
