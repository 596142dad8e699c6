// A job's webhookUrl is checked at submit: not https (outside local mode), or resolving to
// a loopback, private, link-local or metadata address, is a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem } from '../support/system.js';

let local: RunningSystem;
let optedIn: RunningSystem;
beforeAll(async () => {
  [local, optedIn] = await Promise.all([startTestSystem({ loops: false }), startTestSystem({ loops: false, allowPrivateWebhooks: true })]);
});
afterAll(() => Promise.all([local.stop(), optedIn.stop()]));

const jobCount = async (system: RunningSystem) => (await api(system, 'GET', '/v1/jobs?limit=100')).body.items.length;

const expectRefused = async (system: RunningSystem, webhookUrl: string) => {
  const before = await jobCount(system);
  const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { webhookUrl }) });
  expect(res.status, webhookUrl).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.errors).toEqual([expect.objectContaining({ field: 'webhookUrl', pointer: '/webhookUrl' })]);
  expect(await jobCount(system)).toBe(before);
};

const forbidden = [
  'http://127.0.0.1:9/hook',
  'http://localhost:9/hook',
  'http://[::1]/hook',
  'http://10.1.2.3/hook',
  'http://172.20.0.1/hook',
  'http://192.168.0.10/hook',
  'http://100.64.1.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[fe80::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://2130706433/hook',
];

describe('webhookUrl at submit', () => {
  it.each(forbidden)('refuses %s in local mode by default', (url) => expectRefused(local, url));

  it('accepts a public address in local mode (plain http allowed there)', async () => {
    const res = await api(local, 'POST', '/v1/jobs', { body: localJob(['true'], { webhookUrl: 'http://93.184.216.34/hook' }) });
    expect(res.status).toBe(202);
  });

  it('with SWITCHYARD_ALLOW_PRIVATE_WEBHOOKS, allows loopback only', async () => {
    for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook']) {
      expect((await api(optedIn, 'POST', '/v1/jobs', { body: localJob(['true'], { webhookUrl: url }) })).status, url).toBe(202);
    }
    for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/', 'http://[fd00:ec2::254]/', 'http://192.168.1.1/']) {
      await expectRefused(optedIn, url);
    }
  });

  it('outside local mode, wants https and still refuses private addresses', async () => {
    // The app as the AWS Lambda builds it: no webhook policy given means the strict one.
    const app = createApp({ jobs: { store: local.store, queue: local.queue, clock: { now: () => new Date() } }, tenants: local.tenants, providers: local.deps.providers });
    const submit = (webhookUrl: string) =>
      app.request('/v1/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${local.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(localJob(['true'], { webhookUrl })),
      });
    const plain = await submit('http://93.184.216.34/hook');
    expect(plain.status).toBe(400);
    expect(JSON.stringify(await plain.json())).toContain('must use https');
    expect((await submit('https://127.0.0.1/hook')).status).toBe(400);
    expect((await submit('https://169.254.169.254/')).status).toBe(400);
    expect((await submit('https://93.184.216.34/hook')).status).toBe(202);
  });
});
