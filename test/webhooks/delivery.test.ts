// Webhook delivery to real HTTP receivers on 127.0.0.1: signed, at least once with a
// stable event id, retried with backoff, dead after N attempts, never following redirects,
// and re-checked against the address policy at every attempt.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/ports.js';
import { STRICT_POLICY } from '../../src/webhooks/address-policy.js';
import { DEFAULT_WEBHOOK_CONFIG, deliverDueWebhooks } from '../../src/webhooks/deliverer.js';
import { verifyWebhookSignature } from '../../src/webhooks/index.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';
import { receiverPool } from './receiver.js';

let system: RunningSystem;
let secret: string;
const receivers = receiverPool();
const receiver = receivers.start;
beforeAll(async () => {
  system = await startTestSystem({
    loops: false,
    allowPrivateWebhooks: true,
    webhooks: { baseDelayMs: 400, maxDelayMs: 10_000, maxAttempts: 3, timeoutMs: 400, leaseMs: 2000 },
  });
  secret = (await api(system, 'GET', '/v1/webhook-secret')).body.secret;
});
afterEach(async () => {
  await receivers.closeAll();
});
afterAll(() => system.stop());

const submitWith = async (url: string) => {
  const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { webhookUrl: url }) });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

const verify = (r: { headers: Record<string, unknown>; body: string }) =>
  verifyWebhookSignature({ payload: r.body, header: r.headers['switchyard-signature'] as string, secret });

describe('webhook delivery', () => {
  it('delivers a signed event with the job id and a stable event id, once', async () => {
    const hook = await receiver([200]);
    const jobId = await submitWith(hook.url);
    expect(await system.deliverWebhooks()).toMatchObject({ delivered: 1 });
    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    expect(verify(delivery!)).toMatchObject({ ok: true });
    expect(JSON.parse(delivery!.body)).toMatchObject({ id: `evt_${jobId}_1`, type: 'job.queued', jobId, seq: 1, data: { object: { id: jobId, status: 'queued' } } });
    expect(delivery!.headers['switchyard-event-id']).toBe(`evt_${jobId}_1`);
    expect(await system.outbox.get(jobId, 1)).toMatchObject({ status: 'delivered', deliveryAttempts: 1 });
    // Delivered items are no longer due: a second run sends nothing.
    await system.deliverWebhooks();
    expect(hook.received).toHaveLength(1);
  });

  it('retries with exponential backoff and the same event id until the receiver accepts', async () => {
    const hook = await receiver([500, 503, 200]);
    const jobId = await submitWith(hook.url);
    await system.deliverWebhooks();
    const first = await system.outbox.get(jobId, 1);
    expect(first).toMatchObject({ deliveryAttempts: 1, lastError: expect.stringContaining('HTTP 500') });
    const delay1 = Date.parse(first!.due!) - hook.received[0]!.at;
    expect(delay1).toBeGreaterThanOrEqual(300); // 400 ms ± 20%, less scheduling slack
    expect(delay1).toBeLessThanOrEqual(500);
    // Not due yet: nothing is sent early.
    await system.deliverWebhooks();
    expect(hook.received).toHaveLength(1);
    await waitFor(async () => (await system.deliverWebhooks(), hook.received.length), (n) => n >= 2);
    const second = await system.outbox.get(jobId, 1);
    const delay2 = Date.parse(second!.due!) - hook.received[1]!.at;
    expect(delay2).toBeGreaterThanOrEqual(620); // 800 ms ± 20%: doubled
    expect(delay2).toBeLessThanOrEqual(980);
    await waitFor(async () => (await system.deliverWebhooks(), hook.received.length), (n) => n >= 3);
    expect(await system.outbox.get(jobId, 1)).toMatchObject({ status: 'delivered', deliveryAttempts: 3 });
    const ids = hook.received.map((r) => JSON.parse(r.body).id);
    expect(new Set(ids)).toEqual(new Set([`evt_${jobId}_1`]));
    for (const r of hook.received) expect(verify(r).ok).toBe(true);
  });

  it('gives up after maxAttempts and records the delivery as dead', async () => {
    const hook = await receiver([503]);
    const jobId = await submitWith(hook.url);
    await waitFor(async () => (await system.deliverWebhooks(), (await system.outbox.get(jobId, 1))?.status), (s) => s === 'dead', { timeoutMs: 10_000 });
    const dead = await system.outbox.get(jobId, 1);
    expect(dead).toMatchObject({ status: 'dead', deliveryAttempts: 3, lastError: expect.stringContaining('HTTP 503'), deadAt: expect.any(String) });
    expect(hook.received).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 300));
    await system.deliverWebhooks();
    expect(hook.received).toHaveLength(3);
  });

  it('treats a timeout as a failed attempt', async () => {
    const hook = await receiver(['hang']);
    const jobId = await submitWith(hook.url);
    await system.deliverWebhooks();
    expect(await system.outbox.get(jobId, 1)).toMatchObject({ deliveryAttempts: 1, lastError: expect.stringContaining('timed out') });
  });

  it('never follows a redirect (it could point at the metadata service), and records why', async () => {
    const target = await receiver([200]);
    const hook = await receiver([{ status: 302, headers: { location: target.url } }]);
    const jobId = await submitWith(hook.url);
    await system.deliverWebhooks();
    expect(hook.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    expect(await system.outbox.get(jobId, 1)).toMatchObject({ status: 'dead', lastError: expect.stringContaining('redirect 302 not followed') });
  });

  it('checks the address again at delivery: a URL allowed at submit but forbidden now is never called', async () => {
    const hook = await receiver([200]);
    const jobId = await submitWith(hook.url);
    // A deliverer without the loopback opt-in (http still allowed, as in local mode) over the same outbox.
    const summary = await deliverDueWebhooks({
      outbox: system.outbox,
      secretsFor: async (t) => [await system.tenants.webhookSecret(t)],
      policy: { ...STRICT_POLICY, allowHttp: true },
      clock: systemClock,
      config: { ...DEFAULT_WEBHOOK_CONFIG, maxAttempts: 3 },
    });
    expect(summary.dead).toBeGreaterThanOrEqual(1);
    expect(hook.received).toHaveLength(0);
    expect(await system.outbox.get(jobId, 1)).toMatchObject({ status: 'dead', lastError: expect.stringContaining('forbidden address') });
  });

  it('gives each tenant its own secret', async () => {
    const other = await api(system, 'POST', '/v1/tenants', { key: system.adminKey, body: { name: 'Other', key: { scopes: ['jobs:read'] } } });
    const otherSecret = (await api(system, 'GET', '/v1/webhook-secret', { key: other.body.key.key })).body.secret;
    expect(otherSecret).toMatch(/^whsec_/);
    expect(otherSecret).not.toBe(secret);
    expect((await api(system, 'GET', '/v1/webhook-secret')).body.secret).toBe(secret);
  });
});

describe('webhooks in a running system', () => {
  let live: RunningSystem;
  beforeAll(async () => {
    live = await startTestSystem({ allowPrivateWebhooks: true, webhookIntervalMs: 50 });
  });
  afterAll(() => live.stop());

  it('announces the job\'s queued, running and succeeded events, verifiable, through the delivery loop', async () => {
    const hook = await receiver([200]);
    const liveSecret = (await api(live, 'GET', '/v1/webhook-secret')).body.secret;
    const res = await api(live, 'POST', '/v1/jobs', { body: localJob(['echo', 'hi'], { webhookUrl: hook.url }) });
    expect(res.status).toBe(202);
    const job = await waitFor(() => api(live, 'GET', `/v1/jobs/${res.body.id}`), (r) => r.body.status === 'succeeded');
    const events = (await api(live, 'GET', `/v1/jobs/${job.body.id}/events`)).body.items;
    // Announced: submit, start and end (placing and starting are internal steps, attempts are in the snapshot).
    const announced = events.filter((e: any) => e.type === 'status' && ['queued', 'running', 'succeeded'].includes(e.to));
    await waitFor(async () => new Set(hook.received.map((r) => JSON.parse(r.body).id)).size, (n) => n >= announced.length, { timeoutMs: 20_000 });
    const bodies = hook.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.seq)).toEqual(announced.map((e: any) => e.seq));
    expect(bodies.map((b) => b.type)).toEqual(['job.queued', 'job.running', 'job.succeeded']);
    // The final event waits for the settlement: its snapshot is the job as GET shows it now, cost included.
    expect(bodies.at(-1).data.object).toEqual((await api(live, 'GET', `/v1/jobs/${job.body.id}`)).body);
    expect(bodies.at(-1).data.object.costMicroUsd).toEqual(expect.any(Number));
    for (const r of hook.received) {
      expect(verifyWebhookSignature({ payload: r.body, header: r.headers['switchyard-signature'] as string, secret: liveSecret }).ok).toBe(true);
    }
  });
});
