// A tenant cannot spend before its billing terms are set: new tenants are prepaid with a zero
// balance, invoice terms need a budget, and every change of terms is audited in the same write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { SYSTEM_ACTOR, termsAudit } from '../../src/money/billing-account.js';
import { LOCAL_TENANT_TERMS } from '../../src/billing/local-terms.js';
import { api, localJob, startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false });
});
afterAll(() => system.stop());

const admin = () => ({ url: system.url, apiKey: system.adminKey });
const newTenant = async (name: string) => {
  const res = await api(admin(), 'POST', '/v1/tenants', { body: { name, key: { scopes: ['jobs:read', 'jobs:write', 'billing:read'] } } });
  expect(res.status).toBe(201);
  return { tenantId: res.body.tenant.id as string, key: res.body.key.key as string };
};
const termsAuditOf = async (tenantId: string) =>
  (await api(admin(), 'GET', `/v1/audit?tenantId=${tenantId}`)).body.items.filter((e: any) => e.action === 'billing.terms.set');

describe('billing terms', () => {
  it('makes a new tenant prepaid with a zero balance: its first job is a 402, nothing is held', async () => {
    const t = await newTenant('Fresh');
    const balance = await api({ url: system.url, apiKey: t.key }, 'GET', '/v1/balance');
    expect(balance.status).toBe(200);
    expect(balance.body).toMatchObject({ mode: 'prepaid', availableMicroUsd: 0 });
    const res = await api({ url: system.url, apiKey: t.key }, 'POST', '/v1/jobs', { body: localJob(['true']) });
    expect(res.status).toBe(402);
    expect(res.body.type).toMatch(/insufficient-balance$/);
    expect((await api({ url: system.url, apiKey: t.key }, 'GET', '/v1/jobs')).body.items).toEqual([]);
  });

  it('refuses invoice terms without a budget, changing nothing and auditing nothing', async () => {
    const t = await newTenant('NoBudget');
    const res = await api(admin(), 'PUT', `/v1/admin/billing/tenants/${t.tenantId}`, { body: { mode: 'invoice', email: 'ap@nobudget.test' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toEqual(['monthlyBudgetMicroUsd']);
    expect((await system.money.billing.get(t.tenantId)).mode).toBe('prepaid');
    expect(await termsAuditOf(t.tenantId)).toEqual([]);
    expect((await api({ url: system.url, apiKey: t.key }, 'POST', '/v1/jobs', { body: localJob(['true']) })).status).toBe(402);
  });

  it('lets a tenant spend once invoice terms with a budget are set, and audits each change with who, before and after', async () => {
    const t = await newTenant('Invoiced');
    const first = { mode: 'invoice', monthlyBudgetMicroUsd: 20_000_000, email: 'ap@invoiced.test' };
    expect((await api(admin(), 'PUT', `/v1/admin/billing/tenants/${t.tenantId}`, { body: first })).status).toBe(200);
    expect((await api({ url: system.url, apiKey: t.key }, 'POST', '/v1/jobs', { body: localJob(['true']) })).status).toBe(202);
    const second = { mode: 'prepaid' };
    expect((await api(admin(), 'PUT', `/v1/admin/billing/tenants/${t.tenantId}`, { body: second })).status).toBe(200);

    const events = await termsAuditOf(t.tenantId);
    expect(events).toHaveLength(2);
    const [latest, earlier] = events; // newest first
    const adminKeyId = system.adminKey.split('_')[2];
    expect(earlier).toMatchObject({ tenantId: t.tenantId, actor: { keyId: adminKeyId }, details: { from: { mode: 'prepaid' }, to: first } });
    expect(latest).toMatchObject({ details: { from: first, to: second } });
    // Back on prepaid with no money: spending stops again.
    expect((await api({ url: system.url, apiKey: t.key }, 'POST', '/v1/jobs', { body: localJob(['true']) })).status).toBe(402);
  });

  it('writes the terms and their audit event in one transaction: when the audit write fails, the terms stay', async () => {
    const t = await newTenant('Atomic');
    const at = new Date().toISOString();
    const audit = termsAudit({ tenantId: t.tenantId, terms: { mode: 'prepaid' }, at, actor: SYSTEM_ACTOR });
    await system.money.billing.configure(t.tenantId, { mode: 'prepaid' }, audit);
    // Same audit id again: its write fails, so the change of terms must not happen either.
    await expect(system.money.billing.configure(t.tenantId, { mode: 'invoice', monthlyBudgetMicroUsd: 1 }, audit)).rejects.toThrow();
    expect((await system.money.billing.get(t.tenantId)).mode).toBe('prepaid');
    expect(await termsAuditOf(t.tenantId)).toHaveLength(1);
  });

  it('seeds the local tenant with explicit invoice terms (audited once), and keeps terms an admin changed across a re-seed', async () => {
    expect(await system.money.billing.get(system.tenantId)).toMatchObject(LOCAL_TENANT_TERMS);
    expect(await termsAuditOf(system.tenantId)).toHaveLength(1);
    const { seedLocalTerms } = await import('../../src/billing/local-terms.js');
    const changed = { mode: 'invoice', monthlyBudgetMicroUsd: 5_000_000_000 };
    expect((await api(admin(), 'PUT', `/v1/admin/billing/tenants/${system.tenantId}`, { body: changed })).status).toBe(200);
    expect(await seedLocalTerms(system.money.billing, system.tenantId, new Date().toISOString())).toBe(false);
    expect((await system.money.billing.get(system.tenantId)).monthlyBudgetMicroUsd).toBe(5_000_000_000);
    expect(await termsAuditOf(system.tenantId)).toHaveLength(2);
  });
});
