// The API as route groups (src/api/app-factory.ts): the api function's composition and the
// payments function's split the routes between them with nothing lost or served twice,
// each keeps its own authentication, and the api function's /openapi.json still
// describes every route, as the one-server app (local mode, createApp) does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_FUNCTION, createApp, PAYMENTS_FUNCTION } from '../../src/api/app.js';
import { composeApp, type Api } from '../../src/api/app-factory.js';
import type { ApiDeps } from '../../src/api/context.js';
import { PAYMENT_PATHS } from '../../src/api/groups/payment-paths.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startTestSystem } from '../support/system.js';

let system: RunningSystem;
let deps: ApiDeps;
let apiFn: Api;
let paymentsFn: Api;
beforeAll(async () => {
  system = await startTestSystem({
    loops: false,
    money: { stripe: { apiKey: 'sk_test_unused', webhookSecret: 'whsec_composition_test' }, payouts: { ionet: { chain: 'solana', address: 'Payee1111111111111111111111111111111111111' } } },
  });
  deps = { jobs: { store: system.store, queue: system.queue, clock: { now: () => new Date() } }, tenants: system.tenants, providers: system.deps.providers, money: system.money.api };
  // As functions/api.ts and functions/payments.ts compose them.
  apiFn = composeApp(deps, API_FUNCTION);
  paymentsFn = composeApp(deps, PAYMENTS_FUNCTION);
});
afterAll(() => system.stop());

const call = (app: Api, method: string, path: string, key: string | undefined, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const SHARED = new Set(['/health', '/openapi.json', '/docs', '/dashboard', '/dashboard/:asset{.*}']);
/** The paths an app routes to a handler, without middleware and the routes every composition has. */
const servedPaths = (app: Api): string[] => [...new Set(app.routes.filter((r) => r.method !== 'ALL' && !SHARED.has(r.path)).map((r) => r.path))].sort();

describe('app composition', () => {
  it('splits the routes between the api and payments functions: together exactly the one-server app, PAYMENT_PATHS the payments share', () => {
    const all = servedPaths(createApp(deps));
    const api = servedPaths(apiFn);
    const payments = servedPaths(paymentsFn);
    expect(payments).toEqual([...PAYMENT_PATHS].sort());
    expect(api.filter((p) => payments.includes(p))).toEqual([]);
    expect([...api, ...payments].sort()).toEqual(all);
  });

  it("the api function's /openapi.json is the whole API's document, payment routes included", async () => {
    const doc = async (app: Api) => (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown>; components: unknown };
    const whole = await doc(createApp(deps));
    const api = await doc(apiFn);
    expect(api).toEqual(whole);
    expect(Object.keys(api.paths)).toEqual(expect.arrayContaining(['/v1/jobs', '/v1/payments/usdc', '/v1/admin/billing/payouts/usdc']));
  });

  it('the api function does not serve the payment routes (API Gateway sends them elsewhere), and serves its own', async () => {
    const usdc = await call(apiFn, 'POST', '/v1/payments/usdc', system.apiKey, { chain: 'base', tx: `0x${'a'.repeat(64)}` });
    expect(usdc.status).toBe(404);
    expect(usdc.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await call(apiFn, 'POST', '/v1/webhooks/stripe', undefined, {})).status).toBe(401);
    expect((await call(apiFn, 'GET', '/v1/jobs', system.apiKey)).status).toBe(200);
  });

  it('the payments function serves only its routes, each with its own authentication', async () => {
    // Stripe: the signature is the authentication; no API key needed, a missing signature is a 400.
    const stripe = await call(paymentsFn, 'POST', '/v1/webhooks/stripe', undefined, { type: 'invoice.paid' });
    expect(stripe.status).toBe(400);
    expect(((await stripe.json()) as { type: string }).type).toMatch(/webhook-signature$/);
    // USDC deposits: an API key is required; with one, the request reaches the verifier (none for base here).
    expect((await call(paymentsFn, 'POST', '/v1/payments/usdc', undefined, { chain: 'base', tx: `0x${'a'.repeat(64)}` })).status).toBe(401);
    const deposit = await call(paymentsFn, 'POST', '/v1/payments/usdc', system.apiKey, { chain: 'base', tx: `0x${'a'.repeat(64)}` });
    expect(deposit.status).toBe(422);
    expect(((await deposit.json()) as { type: string }).type).toMatch(/usdc-chain-not-configured$/);
    // The payout batch needs the admin scope even without the other admin routes registered.
    expect((await call(paymentsFn, 'GET', '/v1/admin/billing/payouts/usdc', system.apiKey)).status).toBe(403);
    const batch = await call(paymentsFn, 'GET', '/v1/admin/billing/payouts/usdc', system.adminKey);
    expect(batch.status).toBe(200);
    expect(await batch.json()).toMatchObject({ totalMicroUsd: 0 });
    // Nothing else: a job route is not found here.
    expect((await call(paymentsFn, 'GET', '/v1/jobs', system.apiKey)).status).toBe(404);
    expect((await call(paymentsFn, 'GET', '/v1/payments/usdc', system.apiKey)).status).toBe(405);
  });
});
