// Stripe webhooks through the API: signatures made with stripe.webhooks.generateTestHeaderString,
// checked on the raw body; overdue invoices block new jobs until paid; events count once.
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { accounts, normalBalance } from '../../src/money/ledger.js';
import { StripeFake } from '../support/fakes/stripe-fake.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';
import { expectMoneyInvariants } from '../money/invariants-helper.js';

const SECRET = 'whsec_test_switchyard_0123456789';
const signer = new Stripe('sk_test_unused');
let fake: StripeFake;
let system: RunningSystem | undefined;
beforeAll(async () => {
  fake = await new StripeFake().start();
});
afterAll(() => fake.stop());
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const deliver = (s: RunningSystem, clock: ManualClock, payload: string, opts: { secret?: string; ageSeconds?: number; header?: string | null } = {}) => {
  const header =
    opts.header === undefined
      ? signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, timestamp: Math.floor(clock.now().getTime() / 1000) - (opts.ageSeconds ?? 0) })
      : opts.header;
  return api(s, 'POST', '/v1/webhooks/stripe', { rawBody: payload, key: null, headers: { 'content-type': 'application/json', ...(header !== null ? { 'stripe-signature': header } : {}) } });
};

describe('Stripe webhooks', () => {
  it('verifies signatures, blocks an overdue tenant until its invoice is paid, and processes each event once', async () => {
    const clock = new ManualClock(Date.parse('2026-01-10T00:00:00Z'));
    const s = (system = await startTestSystem({
      loops: false,
      clock,
      providers: [sim({ name: 'sim-a', runTimeMs: 600_000 }, clock)],
      money: { stripe: { apiKey: fake.key, host: '127.0.0.1', port: fake.port, protocol: 'http', webhookSecret: SECRET } },
    }));
    await api({ url: s.url, apiKey: s.adminKey }, 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'invoice', email: 'ap@local.test' } });
    const first = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(600_000);
    await s.reconcile();
    await s.reconcile();
    const cost = (await api(s, 'GET', `/v1/jobs/${first}`)).body.costMicroUsd;
    expect(cost).toBe(383_333); // 10 min × $2/h × 1.15

    clock.advance(Date.parse('2026-02-01T02:00:00Z') - clock.now().getTime());
    const [billed] = await s.money.runBilling();
    expect(billed).toMatchObject({ outcome: 'sent', totalCents: 38 });
    const invoice = fake.invoices.get(billed!.stripeInvoiceId!)!;

    // Bad and stale signatures are refused before anything is read from the body.
    const overdue = fake.event('invoice.overdue', { ...invoice, status: 'open' });
    for (const bad of [
      await deliver(s, clock, overdue, { secret: 'whsec_wrong' }),
      await deliver(s, clock, overdue, { ageSeconds: 301 }),
      await deliver(s, clock, overdue, { header: null }),
      await deliver(s, clock, overdue.replace('"livemode":false', '"livemode":true'), { header: signer.webhooks.generateTestHeaderString({ payload: overdue, secret: SECRET, timestamp: Math.floor(clock.now().getTime() / 1000) }) }),
    ]) {
      expect(bad.status).toBe(400);
      expect(bad.body.type).toMatch(/webhook-signature$/);
    }
    expect((await api(s, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(202); // nothing was applied

    const accepted = await deliver(s, clock, overdue);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: true, type: 'invoice.overdue', result: 'processed' });
    expect((await deliver(s, clock, overdue)).body.result).toBe('duplicate');
    const refused = await api(s, 'POST', '/v1/jobs', { body: simJob() });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ type: expect.stringMatching(/invoice-overdue$/), overdueInvoiceIds: [invoice.id] });
    expect((await api(s, 'GET', '/v1/balance')).body.overdueInvoiceIds).toEqual([invoice.id]);

    const paid = fake.event('invoice.paid', fake.pay(invoice.id));
    expect((await deliver(s, clock, paid)).body.result).toBe('processed');
    expect((await deliver(s, clock, paid)).body.result).toBe('duplicate');
    // A late overdue notice for a paid invoice (a new event id) blocks nobody.
    expect((await deliver(s, clock, fake.event('invoice.overdue', { ...invoice, status: 'open' }))).body.result).toBe('processed');
    const after = await api(s, 'POST', '/v1/jobs', { body: simJob() });
    expect(after.status).toBe(202);

    const b = await s.money.ledger.balances([accounts.receivable(s.tenantId), accounts.stripeCash]);
    expect(normalBalance(accounts.receivable(s.tenantId), b[accounts.receivable(s.tenantId)]!)).toBe(0);
    expect(b[accounts.stripeCash]).toBe(380_000); // 38 cents, paid once
    await expectMoneyInvariants(s, [first]);
  });

  it('ignores events for invoices it did not create, and other event types', async () => {
    const clock = new ManualClock();
    const s = (system = await startTestSystem({ loops: false, clock, providers: [sim({ name: 'sim-a' }, clock)], money: { stripe: { apiKey: fake.key, host: '127.0.0.1', port: fake.port, protocol: 'http', webhookSecret: SECRET } } }));
    const foreign = fake.event('invoice.overdue', { id: 'in_not_ours', object: 'invoice', status: 'open', metadata: { tenantId: s.tenantId } });
    expect((await deliver(s, clock, foreign)).body.result).toBe('processed');
    expect((await api(s, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(202);
    expect((await deliver(s, clock, fake.event('customer.created', { id: 'cus_1', object: 'customer' }))).body.result).toBe('ignored');
  });
});
