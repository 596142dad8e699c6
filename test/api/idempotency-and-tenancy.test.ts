import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { seedLocalTerms } from '../../src/billing/local-terms.js';
import { seedTenant } from '../../src/local/seed.js';
import { api, localJob, startTestSystem } from '../support/system.js';

let system: RunningSystem;
let otherKey: string;
beforeAll(async () => {
  system = await startTestSystem({ loops: false });
  otherKey = await seedTenant(system.tenants, { tenantId: 'tenant-b', name: 'Tenant B' });
  // A new tenant is prepaid with nothing to spend: give it terms, as an operator would.
  await seedLocalTerms(system.money.billing, 'tenant-b', new Date().toISOString());
});
afterAll(() => system.stop());

describe('Idempotency-Key', () => {
  it('returns the same job for the same key and body, and creates one job only', async () => {
    const body = localJob(['echo', 'once']);
    const first = await api(system, 'POST', '/v1/jobs', { body, headers: { 'idempotency-key': 'abc-1' } });
    const replays = await Promise.all(
      Array.from({ length: 5 }, () => api(system, 'POST', '/v1/jobs', { body, headers: { 'idempotency-key': 'abc-1' } })),
    );
    expect(first.status).toBe(202);
    for (const r of replays) {
      expect(r.status).toBe(202);
      expect(r.body.id).toBe(first.body.id);
    }
    const list = await api(system, 'GET', '/v1/jobs?limit=100');
    expect(list.body.items.filter((j: any) => j.spec.command[1] === 'once')).toHaveLength(1);
    expect(system.queue.depth).toBe(1);
  });

  it('refuses the same key with a different body', async () => {
    await api(system, 'POST', '/v1/jobs', { body: localJob(['echo', 'a']), headers: { 'idempotency-key': 'abc-2' } });
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['echo', 'b']), headers: { 'idempotency-key': 'abc-2' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const list = await api(system, 'GET', '/v1/jobs?limit=100');
    expect(list.body.items.filter((j: any) => j.spec.command[1] === 'b')).toHaveLength(0);
  });

  it('keeps keys per tenant: another tenant may use the same key', async () => {
    const body = localJob(['echo', 'shared-key']);
    const a = await api(system, 'POST', '/v1/jobs', { body, headers: { 'idempotency-key': 'same' } });
    const b = await api(system, 'POST', '/v1/jobs', { body, key: otherKey, headers: { 'idempotency-key': 'same' } });
    expect(b.status).toBe(202);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe('tenant isolation', () => {
  it("never shows, lists, cancels or reveals another tenant's job", async () => {
    const mine = await api(system, 'POST', '/v1/jobs', { body: localJob(['echo', 'private']) });
    const id = mine.body.id;
    const asOther = { key: otherKey };
    const get = await api(system, 'GET', `/v1/jobs/${id}`, asOther);
    const events = await api(system, 'GET', `/v1/jobs/${id}/events`, asOther);
    const cancel = await api(system, 'POST', `/v1/jobs/${id}/cancel`, asOther);
    const unknown = await api(system, 'GET', `/v1/jobs/job_000000000000000000000000`, asOther);
    for (const res of [get, events, cancel]) {
      expect(res.status).toBe(404);
      // Same answer as for a job that does not exist: nothing reveals that the id is taken.
      expect(res.body.detail).toBe(unknown.body.detail);
    }
    const list = await api(system, 'GET', '/v1/jobs?limit=100', asOther);
    expect(list.body.items.map((j: any) => j.id)).not.toContain(id);
    expect((await api(system, 'GET', `/v1/jobs/${id}`)).body.status).toBe('queued');
  });
});
