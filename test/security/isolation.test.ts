// Tenant isolation on every route: tenant B's key (with every tenant scope) can never read,
// list, cancel or learn of tenant A's jobs, keys or secrets, and gets the same answer for
// A's ids as for ids that do not exist. A guard fails when a route is added without a check here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTenantRole, type RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem } from '../support/system.js';
import { issueAttemptToken } from '../../src/agent/capability-token.js';

let system: RunningSystem;
let a: { key: string; jobId: string; keyId: string; tenantId: string };
let b: { key: string; tenantId: string };
const MISSING_JOB = 'job_000000000000000000000000';

beforeAll(async () => {
  system = await startTestSystem({ loops: false });
  const admin = { key: system.adminKey };
  const scopes = ['jobs:read', 'jobs:write', 'billing:read'];
  const ta = await api(system, 'POST', '/v1/tenants', { ...admin, body: { name: 'A', key: { scopes } } });
  const tb = await api(system, 'POST', '/v1/tenants', { ...admin, body: { name: 'B', key: { scopes } } });
  // New tenants are prepaid with a zero balance: give both invoice terms with a budget, so A can run jobs.
  for (const t of [ta, tb]) {
    const terms = await api(system, 'PUT', `/v1/admin/billing/tenants/${t.body.tenant.id}`, { ...admin, body: { mode: 'invoice', monthlyBudgetMicroUsd: 1_000_000_000 } });
    expect(terms.status).toBe(200);
  }
  const job = await api(system, 'POST', '/v1/jobs', { key: ta.body.key.key, body: localJob(['echo', 'secret-a']), headers: { 'idempotency-key': 'shared' } });
  await api(system, 'POST', '/v1/jobs', { key: ta.body.key.key, body: localJob(['echo', 'secret-a2']) });
  a = { key: ta.body.key.key, keyId: ta.body.key.id, tenantId: ta.body.tenant.id, jobId: job.body.id };
  b = { key: tb.body.key.key, tenantId: tb.body.tenant.id };
});
afterAll(() => system.stop());

/** A does something that moves its own money: a new job (and its hold or budget commitment). */
const aSubmits = async () => expect((await api(system, 'POST', '/v1/jobs', { key: a.key, body: localJob(['echo', 'secret-a3']) })).status).toBe(202);

/** A sends its outputs to its own bucket (the local STS's role for A); returns the stored setting. */
const aSetsOwnBucket = async () => {
  const role = localTenantRole(a.tenantId);
  system.localSts!.allow(role); // A's trust policy, as A would write it
  const { bucket, region, roleArn, externalId } = role;
  const setting = { bucket, region, roleArn, externalId };
  expect((await api(system, 'PUT', '/v1/outputs-bucket', { key: a.key, body: setting })).status).toBe(200);
  return setting;
};

const asB = (method: string, path: string, body?: unknown) => api(system, method, path, { key: b.key, ...(body === undefined ? {} : { body }) });

/** Same status and detail for A's resource as for one that does not exist. */
const sameAsMissing = async (method: string, pathFor: (id: string) => string, real: string, missing: string, body?: unknown) => {
  const forReal = await asB(method, pathFor(real), body);
  const forMissing = await asB(method, pathFor(missing), body);
  expect(forReal.status).toBe(forMissing.status);
  expect(forReal.body.detail).toBe(forMissing.body.detail);
  expect(JSON.stringify(forReal.body)).not.toContain('secret-a');
  return forReal;
};

/** The agent routes take an attempt token, never an API key; a token B's tenant holds opens nothing of A's. */
const agentRouteCheck = (path: string, body: string | undefined, type: string, method = 'POST') => async () => {
  const init = (authorization: string) => ({ method, headers: { authorization, 'content-type': type }, ...(body === undefined ? {} : { body }) });
  const asKey = await fetch(`${system.url}${path}`, init(`Bearer ${b.key}`));
  expect(asKey.status).toBe(401);
  const token = issueAttemptToken(system.agentTokenKey, { tenantId: b.tenantId, jobId: a.jobId, attemptId: `${a.jobId}-a1`, expiresAt: Math.floor(Date.now() / 1000) + 600 });
  const asB = await fetch(`${system.url}${path}`, init(`Bearer ${token}`));
  expect(asB.status).toBe(401);
  expect(await system.agent.store.get(a.jobId, `${a.jobId}-a1`)).toBeUndefined();
};

const checks: Record<string, () => Promise<void>> = {
  'GET /v1/jobs/{id}/logs': async () => {
    await sameAsMissing('GET', (id) => `/v1/jobs/${id}/logs`, a.jobId, MISSING_JOB);
  },
  'POST /v1/agent/heartbeat': agentRouteCheck('/v1/agent/heartbeat', '{}', 'application/json'),
  'POST /v1/agent/logs': agentRouteCheck('/v1/agent/logs?offset=0', 'secret-a', 'application/octet-stream'),
  'GET /v1/agent/secrets': agentRouteCheck('/v1/agent/secrets', undefined, 'application/json', 'GET'),
  'GET /v1/agent/checkpoint': agentRouteCheck('/v1/agent/checkpoint', undefined, 'application/json', 'GET'),
  'POST /v1/agent/checkpoint': agentRouteCheck('/v1/agent/checkpoint', JSON.stringify({ sizeBytes: 10 }), 'application/json'),
  'POST /v1/agent/checkpoint/commit': agentRouteCheck('/v1/agent/checkpoint/commit', JSON.stringify({ key: 'x', sizeBytes: 10 }), 'application/json'),
  'POST /v1/agent/outputs': agentRouteCheck('/v1/agent/outputs', JSON.stringify({ files: [{ path: 'a.txt', sizeBytes: 1, sha256: '0'.repeat(64) }] }), 'application/json'),
  'POST /v1/agent/outputs/commit': agentRouteCheck('/v1/agent/outputs/commit', '{}', 'application/json'),
  'GET /v1/jobs/{id}/outputs': async () => {
    await sameAsMissing('GET', (id) => `/v1/jobs/${id}/outputs`, a.jobId, MISSING_JOB);
  },
  'POST /v1/secrets': async () => {
    // B may use the same name as A: it writes B's own secret, and A's value stays A's.
    expect((await api(system, 'POST', '/v1/secrets', { key: a.key, body: { name: 'shared-name', value: 'secret-a-value' } })).status).toBeLessThan(300);
    expect((await asB('POST', '/v1/secrets', { name: 'shared-name', value: 'secret-b-value' })).status).toBeLessThan(300);
    const listedForA = await api(system, 'GET', '/v1/secrets', { key: a.key });
    expect(JSON.stringify(listedForA.body)).toContain('shared-name');
  },
  'GET /v1/secrets': async () => {
    await api(system, 'POST', '/v1/secrets', { key: a.key, body: { name: 'only-a', value: 'secret-a-only' } });
    const res = await asB('GET', '/v1/secrets');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('only-a');
  },
  'DELETE /v1/secrets/{name}': async () => {
    await api(system, 'POST', '/v1/secrets', { key: a.key, body: { name: 'keep-a', value: 'secret-a-keep' } });
    // Secret names are per tenant: B deleting "keep-a" is deleting a secret B does not have.
    const res = await asB('DELETE', '/v1/secrets/keep-a');
    expect(res.status).toBe((await asB('DELETE', '/v1/secrets/no-such-secret')).status);
    expect(res.status).toBe(404);
    expect(JSON.stringify((await api(system, 'GET', '/v1/secrets', { key: a.key })).body)).toContain('keep-a');
  },
  'POST /v1/admin/billing/runs': async () => {
    expect((await asB('POST', '/v1/admin/billing/runs', { period: '2026-11' })).status).toBe(403);
  },
  'POST /v1/agent/exit': agentRouteCheck('/v1/agent/exit', JSON.stringify({ exitCode: 0, endedAt: new Date().toISOString() }), 'application/json'),
  'POST /v1/jobs': async () => {
    // Same Idempotency-Key as A: B gets a job of its own, never A's.
    const res = await api(system, 'POST', '/v1/jobs', { key: b.key, body: localJob(['echo', 'secret-a']), headers: { 'idempotency-key': 'shared' } });
    expect(res.status).toBe(202);
    expect(res.body.id).not.toBe(a.jobId);
    expect((await system.store.get(res.body.id))?.tenantId).toBe(b.tenantId);
  },
  'GET /v1/jobs': async () => {
    const mine = await api(system, 'GET', '/v1/jobs?limit=1', { key: a.key });
    const list = await asB('GET', '/v1/jobs?limit=100');
    expect(list.body.items.every((j: any) => !j.spec.command.includes('secret-a2'))).toBe(true);
    expect(list.body.items.map((j: any) => j.id)).not.toContain(a.jobId);
    // A's cursor opens nothing of A's.
    const withCursor = await asB('GET', `/v1/jobs?cursor=${mine.body.nextCursor}`);
    expect(withCursor.status).toBe(400);
    for (const status of ['queued', 'cancelled']) {
      expect((await asB('GET', `/v1/jobs?status=${status}`)).body.items.map((j: any) => j.id)).not.toContain(a.jobId);
    }
  },
  'GET /v1/jobs/{id}': async () => {
    expect((await sameAsMissing('GET', (id) => `/v1/jobs/${id}`, a.jobId, MISSING_JOB)).status).toBe(404);
  },
  'POST /v1/jobs/{id}/cancel': async () => {
    expect((await sameAsMissing('POST', (id) => `/v1/jobs/${id}/cancel`, a.jobId, MISSING_JOB)).status).toBe(404);
    expect((await system.store.get(a.jobId))?.status).toBe('queued');
  },
  'GET /v1/jobs/{id}/events': async () => {
    expect((await sameAsMissing('GET', (id) => `/v1/jobs/${id}/events`, a.jobId, MISSING_JOB)).status).toBe(404);
  },
  'GET /v1/providers': async () => {
    const forA = await api(system, 'GET', '/v1/providers', { key: a.key });
    const forB = await asB('GET', '/v1/providers');
    expect(forB.status).toBe(200);
    expect(forB.body).toEqual(forA.body);
  },
  'GET /v1/webhook-secret': async () => {
    const secretA = (await api(system, 'GET', '/v1/webhook-secret', { key: a.key })).body.secret;
    const secretB = (await asB('GET', '/v1/webhook-secret')).body.secret;
    expect(secretB).toMatch(/^whsec_/);
    expect(secretB).not.toBe(secretA);
  },
  'POST /v1/webhook-secret/rotate': async () => {
    const secretA = (await api(system, 'GET', '/v1/webhook-secret', { key: a.key })).body.secret;
    const secretB = (await asB('GET', '/v1/webhook-secret')).body.secret;
    const rotated = await asB('POST', '/v1/webhook-secret/rotate', { overlapSeconds: 60 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secretB);
    expect((await api(system, 'GET', '/v1/webhook-secret', { key: a.key })).body).toMatchObject({ secret: secretA });
    expect((await api(system, 'GET', '/v1/webhook-secret', { key: a.key })).body.previousExpiresAt).toBeUndefined();
  },
  'POST /v1/tenants': async () => {
    expect((await asB('POST', '/v1/tenants', { name: 'takeover', id: a.tenantId })).status).toBe(403);
    expect((await system.tenants.getTenant(a.tenantId))?.name).toBe('A');
  },
  'GET /v1/tenants/{id}': async () => {
    expect((await sameAsMissing('GET', (id) => `/v1/tenants/${id}`, a.tenantId, 'no-such-tenant')).status).toBe(403);
  },
  'POST /v1/tenants/{id}/keys': async () => {
    const res = await sameAsMissing('POST', (id) => `/v1/tenants/${id}/keys`, a.tenantId, 'no-such-tenant', { scopes: ['jobs:read'] });
    expect(res.status).toBe(403);
    expect(await system.tenants.listKeys(a.tenantId)).toHaveLength(1);
  },
  'GET /v1/tenants/{id}/keys': async () => {
    const res = await sameAsMissing('GET', (id) => `/v1/tenants/${id}/keys`, a.tenantId, 'no-such-tenant');
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(a.keyId);
  },
  'DELETE /v1/keys/{keyId}': async () => {
    expect((await sameAsMissing('DELETE', (id) => `/v1/keys/${id}`, a.keyId, 'aaaaaaaaaaaaaaaa')).status).toBe(403);
    expect((await api(system, 'GET', '/v1/jobs', { key: a.key })).status).toBe(200);
  },
  // Money: B's balance, usage, ledger and quotes never show or move with A's activity.
  'GET /v1/balance': async () => {
    const before = await asB('GET', '/v1/balance');
    expect(before.status).toBe(200);
    await aSubmits();
    expect((await asB('GET', '/v1/balance')).body).toEqual(before.body);
    expect(JSON.stringify(before.body)).not.toContain(a.jobId);
  },
  'GET /v1/usage': async () => {
    const res = await asB('GET', '/v1/usage');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(a.jobId);
  },
  'GET /v1/ledger': async () => {
    const mine = await api(system, 'GET', '/v1/ledger?limit=1', { key: a.key });
    expect(JSON.stringify((await api(system, 'GET', '/v1/ledger?limit=100', { key: a.key })).body)).toContain(a.jobId);
    const res = await asB('GET', '/v1/ledger?limit=100');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(a.jobId);
    if (mine.body.nextCursor) {
      const withCursor = await asB('GET', `/v1/ledger?cursor=${mine.body.nextCursor}`);
      expect(withCursor.status === 400 || !JSON.stringify(withCursor.body).includes(a.jobId)).toBe(true);
    }
  },
  'POST /v1/quotes': async () => {
    const before = await asB('POST', '/v1/quotes', localJob(['true']));
    expect(before.status).toBe(200);
    await aSubmits();
    expect((await asB('POST', '/v1/quotes', localJob(['true']))).body.budget).toEqual(before.body.budget);
  },
  'POST /v1/payments/usdc': async () => {
    // No field names the tenant to credit: B cannot aim a deposit at A.
    const aimed = await asB('POST', '/v1/payments/usdc', { chain: 'solana', tx: '5'.repeat(88), tenantId: a.tenantId });
    expect(aimed.status).toBe(400);
    expect(JSON.stringify(aimed.body.errors)).toContain('tenantId');
  },
  'GET /v1/admin/jobs/{id}': async () => {
    // The operator's view (provider cost, margin) of A's job: refused to B's key exactly as for a job that does not exist.
    const forReal = await sameAsMissing('GET', (id) => `/v1/admin/jobs/${id}`, a.jobId, MISSING_JOB);
    expect(forReal.status).toBe(403);
  },
  'GET /health': async () => {
    // Public, and the same for everyone: it says the API is up and nothing about any tenant.
    const withKey = await asB('GET', '/health');
    const withoutKey = await api(system, 'GET', '/health', { key: null });
    expect(withKey.status).toBe(200);
    expect(withKey.body).toEqual({ status: 'ok' });
    expect(withoutKey.body).toEqual(withKey.body);
  },
  'POST /v1/webhooks/stripe': async () => {
    // Authenticated by Stripe's signature, never by a tenant key: B's key changes nothing.
    const withKey = await asB('POST', '/v1/webhooks/stripe', { type: 'invoice.paid', data: { object: { metadata: { tenantId: a.tenantId } } } });
    const withoutKey = await api(system, 'POST', '/v1/webhooks/stripe', { key: null, body: { type: 'invoice.paid' } });
    expect(withKey.status).toBe(withoutKey.status);
    expect(withKey.status).toBeGreaterThanOrEqual(400);
  },
  'GET /v1/admin/ledger/trial-balance': async () => {
    expect((await asB('GET', '/v1/admin/ledger/trial-balance')).status).toBe(403);
  },
  'PUT /v1/admin/billing/tenants/{tenantId}': async () => {
    const res = await sameAsMissing('PUT', (id) => `/v1/admin/billing/tenants/${id}`, a.tenantId, 'no-such-tenant', { mode: 'prepaid' });
    expect(res.status).toBe(403);
  },
  'GET /v1/admin/billing/providers/{provider}/statement': async () => {
    expect((await asB('GET', '/v1/admin/billing/providers/local/statement')).status).toBe(403);
  },
  'GET /v1/admin/billing/payouts/usdc': async () => {
    expect((await asB('GET', '/v1/admin/billing/payouts/usdc')).status).toBe(403);
  },
  'PUT /v1/outputs-bucket': async () => {
    const mine = await aSetsOwnBucket();
    // B cannot point its outputs at A's role with A's external id: the id must carry B's tenant.
    const res = await asB('PUT', '/v1/outputs-bucket', mine);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('externalId');
    expect((await asB('GET', '/v1/outputs-bucket')).status).toBe(404);
    expect((await api(system, 'GET', '/v1/outputs-bucket', { key: a.key })).body).toEqual(mine);
  },
  'GET /v1/outputs-bucket': async () => {
    const mine = await aSetsOwnBucket();
    const res = await asB('GET', '/v1/outputs-bucket');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(mine.externalId);
  },
  'DELETE /v1/outputs-bucket': async () => {
    const mine = await aSetsOwnBucket();
    expect((await asB('DELETE', '/v1/outputs-bucket')).status).toBe(204);
    expect((await api(system, 'GET', '/v1/outputs-bucket', { key: a.key })).body).toEqual(mine);
  },
  'GET /v1/audit': async () => {
    const res = await asB('GET', `/v1/audit?tenantId=${a.tenantId}`);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(a.keyId);
  },
};

describe('tenant isolation, route by route', () => {
  for (const [route, check] of Object.entries(checks)) it(route, check);

  it('covers every route the API documents', () => {
    const doc = system.app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Switchyard', version: '0' } }) as { paths: Record<string, object> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const missing = documented.filter((r) => !(r in checks));
    expect(missing, 'routes without an isolation check').toEqual([]);
  });
});
