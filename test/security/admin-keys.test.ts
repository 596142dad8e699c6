// The admin API: tenants and keys, scopes per route, rotation, revocation, expiry, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem } from '../support/system.js';

let system: RunningSystem;
const admin = () => ({ key: system.adminKey });
beforeAll(async () => {
  system = await startTestSystem({ loops: false });
});
afterAll(() => system.stop());

const newTenant = async (name: string, scopes = ['jobs:read', 'jobs:write']) => {
  const res = await api(system, 'POST', '/v1/tenants', { ...admin(), body: { name, key: { scopes } } });
  expect(res.status).toBe(201);
  return { tenantId: res.body.tenant.id as string, key: res.body.key.key as string, keyId: res.body.key.id as string };
};

describe('admin API', () => {
  it('creates a tenant with a first key that works, shown once and stored only as a hash', async () => {
    const res = await api(system, 'POST', '/v1/tenants', { ...admin(), body: { name: 'Acme', key: { scopes: ['jobs:read', 'jobs:write'] } } });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toMatchObject({ name: 'Acme', id: expect.stringMatching(/^ten_/) });
    expect(res.body.key.key).toMatch(/^sy_live_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    // A new tenant is prepaid with a zero balance: it can spend nothing until it has terms or money.
    const early = await api(system, 'POST', '/v1/jobs', { key: res.body.key.key, body: localJob(['true']) });
    expect(early.status).toBe(402);
    expect(early.body.type).toMatch(/insufficient-balance$/);
    const terms = await api(system, 'PUT', `/v1/admin/billing/tenants/${res.body.tenant.id}`, { ...admin(), body: { mode: 'invoice', monthlyBudgetMicroUsd: 50_000_000 } });
    expect(terms.status).toBe(200);
    const submit = await api(system, 'POST', '/v1/jobs', { key: res.body.key.key, body: localJob(['true']) });
    expect(submit.status).toBe(202);
    const stored = await system.tenants.getKey(res.body.key.id);
    expect(JSON.stringify(stored)).not.toContain(res.body.key.key.split('_').pop());
    const listed = await api(system, 'GET', `/v1/tenants/${res.body.tenant.id}/keys`, admin());
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toMatch(/secretHash|"key":/);
  });

  it('refuses a taken tenant id with 409 and an unknown tenant with 404', async () => {
    expect((await api(system, 'POST', '/v1/tenants', { ...admin(), body: { name: 'X', id: 'fixed-id' } })).status).toBe(201);
    const again = await api(system, 'POST', '/v1/tenants', { ...admin(), body: { name: 'Y', id: 'fixed-id' } });
    expect(again.status).toBe(409);
    expect((await system.tenants.getTenant('fixed-id'))?.name).toBe('X');
    const missing = await api(system, 'POST', '/v1/tenants/no-such-tenant/keys', { ...admin(), body: { scopes: ['jobs:read'] } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('enforces scopes per route', async () => {
    const { tenantId } = await newTenant('Scoped');
    const readOnly = (await api(system, 'POST', `/v1/tenants/${tenantId}/keys`, { ...admin(), body: { scopes: ['jobs:read'] } })).body.key;
    const billing = (await api(system, 'POST', `/v1/tenants/${tenantId}/keys`, { ...admin(), body: { scopes: ['billing:read'] } })).body.key;
    expect((await api(system, 'GET', '/v1/jobs', { key: readOnly })).status).toBe(200);
    expect((await api(system, 'GET', '/v1/webhook-secret', { key: readOnly })).status).toBe(200);
    const denied = await api(system, 'POST', '/v1/jobs', { key: readOnly, body: localJob(['true']) });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('jobs:write');
    expect((await api(system, 'POST', '/v1/jobs/job_x/cancel', { key: readOnly })).status).toBe(403);
    for (const [method, path] of [['GET', '/v1/jobs'], ['GET', '/v1/jobs/job_x'], ['GET', '/v1/jobs/job_x/events'], ['GET', '/v1/webhook-secret']] as const) {
      expect((await api(system, method, path, { key: billing })).status, `${method} ${path}`).toBe(403);
    }
    for (const key of [readOnly, billing]) {
      expect((await api(system, 'POST', '/v1/tenants', { key, body: { name: 'evil' } })).status).toBe(403);
      expect((await api(system, 'GET', '/v1/audit', { key })).status).toBe(403);
    }
  });

  it('keeps the admin scope to the operator tenant', async () => {
    const { tenantId } = await newTenant('NoAdmin');
    const res = await api(system, 'POST', `/v1/tenants/${tenantId}/keys`, { ...admin(), body: { scopes: ['admin'] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('scopes');
    expect(await system.tenants.listKeys(tenantId)).toHaveLength(1);
  });

  it('rotates: old and new keys both work until the old one is revoked', async () => {
    const { tenantId, key: oldKey, keyId: oldId } = await newTenant('Rotating');
    const created = await api(system, 'POST', `/v1/tenants/${tenantId}/keys`, { ...admin(), body: { scopes: ['jobs:read'], name: 'rotation' } });
    const newKey = created.body.key;
    expect((await api(system, 'GET', '/v1/jobs', { key: oldKey })).status).toBe(200);
    expect((await api(system, 'GET', '/v1/jobs', { key: newKey })).status).toBe(200);
    const revoked = await api(system, 'DELETE', `/v1/keys/${oldId}`, admin());
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await api(system, 'GET', '/v1/jobs', { key: oldKey })).status).toBe(401);
    expect((await api(system, 'GET', '/v1/jobs', { key: newKey })).status).toBe(200);
    // Revoking again changes nothing and records nothing new.
    const again = await api(system, 'DELETE', `/v1/keys/${oldId}`, admin());
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const audit = await api(system, 'GET', `/v1/audit?tenantId=${tenantId}`, admin());
    expect(audit.body.items.filter((e: any) => e.action === 'key.revoked')).toHaveLength(1);
    expect((await api(system, 'DELETE', '/v1/keys/aaaaaaaaaaaaaaaa', admin())).status).toBe(404);
  });

  it('lets a key expire on its own at expiresAt (the end of a rotation overlap)', async () => {
    const { tenantId } = await newTenant('Expiring');
    const past = await api(system, 'POST', `/v1/tenants/${tenantId}/keys`, { ...admin(), body: { scopes: ['jobs:read'], expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.body.errors[0].field).toBe('expiresAt');
    const soon = new Date(Date.now() + 1500).toISOString();
    const res = await api(system, 'POST', `/v1/tenants/${tenantId}/keys`, { ...admin(), body: { scopes: ['jobs:read'], expiresAt: soon } });
    expect(res.status).toBe(201);
    expect((await api(system, 'GET', '/v1/jobs', { key: res.body.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const after = await api(system, 'GET', '/v1/jobs', { key: res.body.key });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('records key creation, revocation and admin actions, readable by the admin only', async () => {
    const { tenantId, keyId, key } = await newTenant('Audited');
    await api(system, 'DELETE', `/v1/keys/${keyId}`, admin());
    const denied = await api(system, 'GET', `/v1/tenants/${tenantId}/keys`, { key: system.apiKey });
    expect(denied.status).toBe(403);
    const res = await api(system, 'GET', `/v1/audit?tenantId=${tenantId}`, admin());
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['tenant.created', 'key.created', 'key.revoked']));
    // Newest first, each naming who did it.
    expect(actions[0]).toBe('key.revoked');
    for (const e of res.body.items) expect(e.actor.tenantId).toBe('operator');
    const all = await api(system, 'GET', '/v1/audit?limit=100', admin());
    expect(all.body.items.some((e: any) => e.action === 'admin.denied' && e.actor.tenantId === system.tenantId)).toBe(true);
    expect(JSON.stringify(all.body)).not.toContain(key);
    // Paging: a cursor continues the same listing, a forged one is refused.
    const page = await api(system, 'GET', `/v1/audit?tenantId=${tenantId}&limit=1`, admin());
    const next = await api(system, 'GET', `/v1/audit?tenantId=${tenantId}&limit=1&cursor=${page.body.nextCursor}`, admin());
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    const forged = Buffer.from(JSON.stringify({ pk: 'JOB#x', sk: 'JOB', gsi2pk: `AUDIT#${tenantId}`, gsi2sk: 'x' })).toString('base64url');
    expect((await api(system, 'GET', `/v1/audit?tenantId=${tenantId}&cursor=${forged}`, admin())).status).toBe(400);
  });

  it('accepts the operator key held in Secrets Manager (AWS) as an admin key, and nothing like it', async () => {
    const secret = 'Zq7'.repeat(16); // 48 characters, like the stack's generated secret
    const app = createApp({
      jobs: { store: system.store, queue: system.queue, clock: { now: () => new Date() } },
      tenants: system.tenants,
      providers: system.deps.providers,
      adminKey: async () => secret,
    });
    const create = (token: string) =>
      app.request('/v1/tenants', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'From AWS' }) });
    const ok = await create(secret);
    expect(ok.status).toBe(201);
    const { tenant } = (await ok.json()) as { tenant: { id: string } };
    const audit = await api(system, 'GET', `/v1/audit?tenantId=${tenant.id}`, admin());
    expect(audit.body.items[0].actor).toEqual({ tenantId: 'operator', keyId: 'admin-secret' });
    for (const wrong of [secret.slice(0, -1), `${secret}x`, secret.toLowerCase()]) expect((await create(wrong)).status).toBe(401);
  });
});
