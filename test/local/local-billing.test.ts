// Billing in local mode (what `npm start` runs): a prepaid tenant tops up with USDC through the
// Base fake, the invoice tenant's usage is invoiced on the Stripe fake by the billing run (and
// by `npm run billing`), and Stripe's signed webhooks come back to the API when it is paid.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripe } from '../../src/billing/stripe-client.js';
import { LOCAL_BASE_TREASURY } from '../../src/local/billing-fakes.js';
import type { RunningSystem } from '../../src/local/system.js';
import { monthOf } from '../../src/money/amounts.js';
import { USDC_BASE_CONTRACT } from '../../src/payments/usdc.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

// Behind real time: the Stripe fake signs with the real time, and a signature from "the future"
// is within Stripe's tolerance while the clock moves the job forward by hand.
const clock = new ManualClock(Date.now() - 3_600_000);
let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false, clock, localBilling: true, providers: [sim({ name: 'sim-a', runTimeMs: 600_000 }, clock)] });
});
afterAll(() => system.stop());

const admin = () => ({ url: system.url, apiKey: system.adminKey });
const word = (hex: string) => hex.replace(/^0x/, '').toLowerCase().padStart(64, '0');

/** What a wallet does on a development chain: eth_sendTransaction of an ERC-20 transfer, mined at once. */
const sendUsdc = async (from: string, to: string, microUsd: number): Promise<string> => {
  const data = `0xa9059cbb${word(to)}${word(microUsd.toString(16))}`;
  const res = await fetch(system.localBilling!.baseRpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendTransaction', params: [{ from, to: USDC_BASE_CONTRACT, data }] }),
  });
  return ((await res.json()) as { result: string }).result;
};

describe('billing in local mode', () => {
  it('serves the Stripe webhook endpoint (signature checked, not a 404)', async () => {
    const res = await api(system, 'POST', '/v1/webhooks/stripe', { key: null, rawBody: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/webhook-signature$/);
  });

  it('tops up a new prepaid tenant with USDC on the Base fake, after which it can run a job', async () => {
    const wallet = '0x1111111111111111111111111111111111111111';
    const created = await api(admin(), 'POST', '/v1/tenants', { body: { name: 'Prepaid Co', key: { scopes: ['jobs:read', 'jobs:write', 'billing:read'] } } });
    const tenant = { url: system.url, apiKey: created.body.key.key as string };
    expect((await api(tenant, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(402);
    expect((await api(admin(), 'PUT', `/v1/admin/billing/tenants/${created.body.tenant.id}`, { body: { mode: 'prepaid', wallets: { base: [wallet] } } })).status).toBe(200);

    const tx = await sendUsdc(wallet, LOCAL_BASE_TREASURY, 25_000_000);
    const deposit = await api(tenant, 'POST', '/v1/payments/usdc', { body: { chain: 'base', tx } });
    expect(deposit.status).toBe(201);
    expect(deposit.body).toMatchObject({ creditedMicroUsd: 25_000_000, availableMicroUsd: 25_000_000 });
    await api(tenant, 'POST', '/v1/payments/usdc', { body: { chain: 'base', tx } }); // the same deposit again
    expect((await api(tenant, 'GET', '/v1/balance')).body.availableMicroUsd).toBe(25_000_000); // credited once
    expect((await api(tenant, 'POST', '/v1/jobs', { body: simJob() })).status).toBe(202);
  });

  it('invoices the local tenant on the Stripe fake, shows it with npm run billing, and books the payment from the webhook', { timeout: 120_000 }, async () => {
    const job = (await api(system, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await system.queue.pollOnce();
    await system.reconcile();
    clock.advance(600_000);
    await system.reconcile();
    await system.reconcile();
    expect((await api(system, 'GET', `/v1/jobs/${job}`)).body.costMicroUsd).toBe(383_333);

    const period = monthOf(clock.now());
    const run = await api(admin(), 'POST', '/v1/admin/billing/runs', { body: { period } });
    expect(run.status).toBe(200);
    const mine = run.body.results.find((r: any) => r.tenantId === system.tenantId);
    expect(mine).toMatchObject({ outcome: 'sent', totalMicroUsd: 380_000, invoice: { status: 'open', amountDueMicroUsd: 380_000 } });
    expect(mine.invoice.lines).toEqual([expect.objectContaining({ amountMicroUsd: 380_000, description: expect.stringContaining(job) })]);

    // Asynchronously: the API it calls is served by this very process.
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/local/billing-cli.ts', '--period', period, '--url', system.url], {
      encoding: 'utf8',
      env: { ...process.env, SWITCHYARD_ADMIN_KEY: system.adminKey },
    });
    expect(cli.stdout).toContain(`${system.tenantId}: already-sent — invoice ${mine.invoice.number}`);
    expect(cli.stdout).toContain('$0.38');

    // The customer pays at Stripe; Stripe's signed invoice.paid webhook settles the receivable.
    const { stripeUrl, stripeKey } = system.localBilling!;
    const stripe = createStripe({ apiKey: stripeKey, host: '127.0.0.1', port: Number(new URL(stripeUrl).port), protocol: 'http' });
    await stripe.invoices.pay(mine.stripeInvoiceId);
    const balance = await waitFor(() => api(system, 'GET', '/v1/balance').then((r) => r.body), (b) => b.receivableMicroUsd === 0);
    expect(balance.unbilledMicroUsd).toBe(0);
    const trial = await api(admin(), 'GET', '/v1/admin/ledger/trial-balance');
    expect(trial.body).toMatchObject({ totalMicroUsd: 0, violations: [] });
  });
});
