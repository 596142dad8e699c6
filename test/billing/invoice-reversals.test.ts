// Voided and uncollectible invoices get their reversal postings, once: the real `stripe` client
// voids, writes off and pays invoices on the Stripe fake, which sends its signed webhooks back to
// the API. The receivable ends at zero, the trial balance stays 0, redeliveries change nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { accounts, normalBalance } from '../../src/money/ledger.js';
import { StripeFake } from '../support/fakes/stripe-fake.js';
import { expectMoneyInvariants } from '../money/invariants-helper.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

const SECRET = 'whsec_test_reversals_0123456789';
let fake: StripeFake;
let system: RunningSystem | undefined;
let systems = 0;
beforeAll(async () => {
  fake = await new StripeFake().start();
});
afterAll(() => fake.stop());
afterEach(async () => {
  await fake.flushWebhooks();
  fake.webhookEndpoint = undefined;
  fake.forgetIdempotencyKeys(); // each test's system bills its own tenant from scratch
  await system?.stop();
  system = undefined;
});

/** One finished job in January, billed on Feb 1: an invoice of 38 cents, receivable 380,000 µUSD. */
const invoicedSystem = async () => {
  const clock = new ManualClock(Date.parse('2026-01-10T00:00:00Z'));
  const s = (system = await startTestSystem({
    loops: false,
    clock,
    tenantId: `tenant-${++systems}`,
    providers: [sim({ name: 'sim-a', runTimeMs: 600_000 }, clock)],
    money: { stripe: { apiKey: fake.key, host: '127.0.0.1', port: fake.port, protocol: 'http', webhookSecret: SECRET } },
  }));
  fake.webhookEndpoint = { url: `${s.url}/v1/webhooks/stripe`, secret: SECRET };
  fake.timestamp = () => Math.floor(clock.now().getTime() / 1000);
  const job = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id as string;
  await s.queue.pollOnce();
  await s.reconcile();
  clock.advance(600_000);
  await s.reconcile();
  await s.reconcile();
  clock.advance(Date.parse('2026-02-01T02:00:00Z') - clock.now().getTime());
  const [billed] = await s.money.runBilling('2026-01');
  expect(billed).toMatchObject({ outcome: 'sent', totalCents: 38 });
  await fake.flushWebhooks();
  return { s, clock, job, invoiceId: billed!.stripeInvoiceId! };
};

const balancesOf = async (s: RunningSystem) => {
  const names = [accounts.receivable(s.tenantId), accounts.creditNotes, accounts.badDebt, accounts.stripeCash];
  const b = await s.money.ledger.balances(names);
  return Object.fromEntries(names.map((n) => [n, normalBalance(n, b[n] ?? 0)]));
};

const redeliver = (s: RunningSystem, clock: ManualClock, payload: string) =>
  api(s, 'POST', '/v1/webhooks/stripe', {
    rawBody: payload,
    key: null,
    headers: { 'content-type': 'application/json', 'stripe-signature': StripeFake.signature(payload, SECRET, Math.floor(clock.now().getTime() / 1000)) },
  });

describe('invoice reversals', () => {
  it('credits a voided invoice back once: receivable 0, credit note = the invoice, trial balance 0', async () => {
    const { s, clock, job, invoiceId } = await invoicedSystem();
    expect((await balancesOf(s))[accounts.receivable(s.tenantId)]).toBe(380_000);

    await s.money.stripe!.invoices.voidInvoice(invoiceId);
    await fake.flushWebhooks();
    expect(fake.deliveries.filter((d) => d.type === 'invoice.voided').at(-1)?.status).toBe(200);
    expect(await balancesOf(s)).toMatchObject({ [accounts.receivable(s.tenantId)]: 0, [accounts.creditNotes]: 380_000, [accounts.stripeCash]: 0 });
    expect((await s.money.invoices.get(s.tenantId, '2026-01'))?.status).toBe('void');

    // The same event again, and a second event for the same void: nothing posts twice.
    const voided = fake.event('invoice.voided', fake.invoices.get(invoiceId)!);
    expect((await redeliver(s, clock, voided)).body.result).toBe('processed');
    expect((await redeliver(s, clock, voided)).body.result).toBe('duplicate');
    expect((await balancesOf(s))[accounts.creditNotes]).toBe(380_000);
    const ledger = (await api(s, 'GET', '/v1/ledger')).body.items.map((p: any) => p.kind);
    expect(ledger.filter((k: string) => k === 'invoice.voided')).toHaveLength(1);
    await expectMoneyInvariants(s, [job]);
  });

  it('writes off an uncollectible invoice, keeps the tenant blocked, and undoes the write-off when it is paid after all', async () => {
    const { s, clock, job, invoiceId } = await invoicedSystem();
    // Overdue first (blocks new jobs), then written off: still blocked, the money is still owed.
    expect((await redeliver(s, clock, fake.event('invoice.overdue', fake.invoices.get(invoiceId)!))).status).toBe(200);
    await s.money.stripe!.invoices.markUncollectible(invoiceId);
    await fake.flushWebhooks();
    expect(await balancesOf(s)).toMatchObject({ [accounts.receivable(s.tenantId)]: 0, [accounts.badDebt]: 380_000 });
    expect((await api(s, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(402);
    const writeOff = fake.event('invoice.marked_uncollectible', fake.invoices.get(invoiceId)!);
    expect((await redeliver(s, clock, writeOff)).body.result).toBe('processed'); // a new event id
    expect((await balancesOf(s))[accounts.badDebt]).toBe(380_000); // posted once

    await s.money.stripe!.invoices.pay(invoiceId);
    await fake.flushWebhooks();
    expect(await balancesOf(s)).toMatchObject({ [accounts.receivable(s.tenantId)]: 0, [accounts.badDebt]: 0, [accounts.stripeCash]: 380_000 });
    expect((await api(s, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(202);
    await expectMoneyInvariants(s, [job]);
  });

  it('voids an invoice that was written off without reversing it twice', async () => {
    const { s, job, invoiceId } = await invoicedSystem();
    await s.money.stripe!.invoices.markUncollectible(invoiceId);
    await s.money.stripe!.invoices.voidInvoice(invoiceId);
    await fake.flushWebhooks();
    expect(await balancesOf(s)).toMatchObject({ [accounts.receivable(s.tenantId)]: 0, [accounts.badDebt]: 380_000, [accounts.creditNotes]: 0 });
    await expectMoneyInvariants(s, [job]);
  });

  it('keeps the write-off when the void event overtakes the marked_uncollectible event', async () => {
    const { s, clock, job, invoiceId } = await invoicedSystem();
    fake.webhookEndpoint = undefined; // deliver by hand, out of order
    await s.money.stripe!.invoices.markUncollectible(invoiceId);
    const writeOff = fake.event('invoice.marked_uncollectible', fake.invoices.get(invoiceId)!);
    await s.money.stripe!.invoices.voidInvoice(invoiceId);
    const voided = fake.event('invoice.voided', fake.invoices.get(invoiceId)!);
    expect((await redeliver(s, clock, voided)).status).toBe(200);
    expect((await redeliver(s, clock, writeOff)).status).toBe(200);
    expect(await balancesOf(s)).toMatchObject({ [accounts.receivable(s.tenantId)]: 0, [accounts.badDebt]: 380_000, [accounts.creditNotes]: 0 });
    await expectMoneyInvariants(s, [job]);
  });

  it('answers 409 (so Stripe retries) for a void of an invoice the ledger does not have yet, without recording the event', async () => {
    const { s, clock, invoiceId } = await invoicedSystem();
    const record = (await s.money.invoices.get(s.tenantId, '2026-01'))!;
    // A second period's invoice, finalized at Stripe but not yet posted (a crash between the two).
    const draft = await s.money.stripe!.invoices.create({ customer: fake.invoices.get(invoiceId)!.customer, collection_method: 'send_invoice', days_until_due: 30, metadata: { tenantId: s.tenantId, period: '2026-02' } });
    await s.money.invoices.saveDraft(s.tenantId, '2026-02', draft.id, clock.now().toISOString());
    fake.webhookEndpoint = undefined; // deliver by hand below
    await s.money.stripe!.invoices.finalizeInvoice(draft.id);
    await s.money.stripe!.invoices.voidInvoice(draft.id);
    const voided = fake.event('invoice.voided', fake.invoices.get(draft.id)!);
    const early = await redeliver(s, clock, voided);
    expect(early.status).toBe(409);
    expect(early.body.type).toMatch(/invoice-not-posted$/);
    expect((await balancesOf(s))[accounts.creditNotes]).toBe(0);
    expect((await redeliver(s, clock, voided)).status).toBe(409); // not recorded as processed: the retry is applied
    expect(record.status).not.toBe('void');
  });
});
