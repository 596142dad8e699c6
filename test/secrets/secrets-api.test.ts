// Tenant secrets through the real API on DynamoDB Local: write-only values, sealed at rest
// under a 0600 local key file, referenced by name from jobs, refused at submit when unknown.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem, scanTable as scanAll } from '../support/system.js';

const VALUE = 'wandb-sk-7f3a9c1e5b2d8f40-do-not-leak';
let system: RunningSystem;
let keyDir: string;

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'switchyard-keytest-'));
  system = await startTestSystem({ secretsKeyDir: keyDir, loops: false });
});
afterAll(() => system.stop());

const scanTable = async (): Promise<string> => JSON.stringify(await scanAll(system));

describe('secrets API', () => {
  it('stores a value it never returns, sealed in the table under a 0600 key file', async () => {
    const created = await api(system, 'POST', '/v1/secrets', { body: { name: 'wandb', value: VALUE } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'wandb' });
    expect(JSON.stringify(created.body)).not.toContain(VALUE);

    const listed = await api(system, 'GET', '/v1/secrets');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { name: string }) => s.name)).toContain('wandb');
    expect(JSON.stringify(listed.body)).not.toContain(VALUE);

    const table = await scanTable();
    expect(table).toContain('SECRET#wandb');
    expect(table).not.toContain(VALUE);
    expect(table).not.toContain(Buffer.from(VALUE).toString('base64'));

    expect(system.secretsKeyPath.startsWith(keyDir)).toBe(true);
    expect(statSync(system.secretsKeyPath).mode & 0o777).toBe(0o600);
    // The service opens what it sealed (the route for the agent builds on this).
    expect(await system.secrets.resolve(system.tenantId, { WANDB_API_KEY: 'wandb' })).toEqual({ WANDB_API_KEY: VALUE });
  });

  it('replaces a value, keeping its creation time', async () => {
    const first = await api(system, 'POST', '/v1/secrets', { body: { name: 'rotating', value: 'first-value-1' } });
    const second = await api(system, 'POST', '/v1/secrets', { body: { name: 'rotating', value: 'second-value-2' } });
    expect(second.status).toBe(201);
    expect(second.body.createdAt).toBe(first.body.createdAt);
    expect(await system.secrets.value(system.tenantId, 'rotating')).toBe('second-value-2');
  });

  it('is tenant-scoped: another tenant neither sees nor resolves it', async () => {
    await api(system, 'POST', '/v1/secrets', { body: { name: 'mine', value: 'tenant-a-value' } });
    const admin = { url: system.url, apiKey: system.adminKey };
    const tenant = await api(admin, 'POST', '/v1/tenants', { body: { id: 'other-tenant', name: 'Other' } });
    expect(tenant.status).toBe(201);
    const key = await api(admin, 'POST', '/v1/tenants/other-tenant/keys', { body: { scopes: ['jobs:read', 'jobs:write'] } });
    const other = { url: system.url, apiKey: key.body.key as string };
    expect((await api(other, 'GET', '/v1/secrets')).body.items).toEqual([]);
    const job = await api(other, 'POST', '/v1/jobs', { body: localJob(['true'], { secrets: { TOKEN: 'mine' } }) });
    expect(job.status).toBe(400);
    expect((await api(other, 'DELETE', '/v1/secrets/mine')).status).toBe(404);
    expect(await system.secrets.missing('other-tenant', ['mine'])).toEqual(['mine']);
  });

  it('refuses bad names and empty values with a problem, storing nothing', async () => {
    for (const body of [{ name: '../etc', value: 'x' }, { name: 'ok', value: '' }, { name: 'ok' }, { name: 'x'.repeat(129), value: 'v' }]) {
      const res = await api(system, 'POST', '/v1/secrets', { body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api(system, 'GET', '/v1/secrets')).body.items.map((s: { name: string }) => s.name)).not.toContain('ok');
  });

  it('deletes a secret; a second delete is a 404', async () => {
    await api(system, 'POST', '/v1/secrets', { body: { name: 'short-lived', value: 'gone-soon-value' } });
    expect((await api(system, 'DELETE', '/v1/secrets/short-lived')).status).toBe(204);
    expect((await api(system, 'DELETE', '/v1/secrets/short-lived')).status).toBe(404);
    expect(await scanTable()).not.toContain('SECRET#short-lived');
  });
});

describe('secret references in a job', () => {
  it('a job naming an unknown secret is a 400 naming it, and no job is stored', async () => {
    const before = (await api(system, 'GET', '/v1/jobs')).body.items.length;
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { secrets: { WANDB_API_KEY: 'wandb', HF_TOKEN: 'huggingface' } }) });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('huggingface');
    expect(res.body.detail).not.toContain('wandb,');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'secrets.HF_TOKEN', pointer: '/secrets/HF_TOKEN' })]);
    expect((await api(system, 'GET', '/v1/jobs')).body.items.length).toBe(before);
  });

  it('an unknown imageCredentials secret is a 400 naming it', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { imageCredentials: 'registry-login' }) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'imageCredentials', detail: expect.stringContaining('registry-login') })]);
  });

  it('a variable set both in env and secrets is a 400', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { env: { WANDB_API_KEY: 'plain' }, secrets: { WANDB_API_KEY: 'wandb' } }) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('secrets.WANDB_API_KEY');
  });

  it('a job with known refs is accepted and shows only the names', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { secrets: { WANDB_API_KEY: 'wandb' } }) });
    expect(res.status).toBe(202);
    expect(res.body.spec.secrets).toEqual({ WANDB_API_KEY: 'wandb' });
    expect(JSON.stringify(res.body)).not.toContain(VALUE);
    const events = await api(system, 'GET', `/v1/jobs/${res.body.id}/events`);
    expect(JSON.stringify(events.body)).not.toContain(VALUE);
    expect(await scanTable()).not.toContain(VALUE);
  });
});
