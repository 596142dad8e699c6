// Webhook secret rotation through the real API and deliverer (DynamoDB Local, a receiver on
// 127.0.0.1, a hand-moved clock): during the overlap a delivery carries a v1 for the new and
// one for the old secret, each verifies; after it only the new one signs. Per tenant.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../packages/client/src/index.js';
import { seedLocalTerms } from '../../src/billing/local-terms.js';
import type { RunningSystem } from '../../src/local/system.js';
import { verifyWebhookSignature } from '../../src/webhooks/index.js';
import { ManualClock } from '../support/sim.js';
import { api, localJob, startTestSystem } from '../support/system.js';
import { startReceiver, type Received, type Receiver } from './receiver.js';

let system: RunningSystem;
const clock = new ManualClock(Date.parse('2026-12-02T12:00:00Z'));
const receivers: Receiver[] = [];
beforeAll(async () => {
  system = await startTestSystem({ loops: false, allowPrivateWebhooks: true, clock, rateLimit: false });
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(() => system.stop());

const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
const signatureOf = (r: Received) => r.headers['switchyard-signature'] as string;
const v1Count = (r: Received) => signatureOf(r).split(',').filter((p) => p.startsWith('v1=')).length;
const verifies = (r: Received, secret: string) => verifyWebhookSignature({ payload: r.body, header: signatureOf(r), secret, now: nowSeconds() }).ok;

/** Submits a job for `key`'s tenant and delivers its first event to a fresh receiver. */
const deliveryFor = async (key = system.apiKey): Promise<Received> => {
  const hook = await startReceiver([200]);
  receivers.push(hook);
  const res = await api(system, 'POST', '/v1/jobs', { key, body: localJob(['true'], { webhookUrl: hook.url }) });
  expect(res.status).toBe(202);
  await system.deliverWebhooks();
  expect(hook.received).toHaveLength(1);
  return hook.received[0]!;
};

const rotate = (body?: unknown, key = system.apiKey) => api(system, 'POST', '/v1/webhook-secret/rotate', body === undefined ? { key } : { key, body });
const current = async (key = system.apiKey) => (await api(system, 'GET', '/v1/webhook-secret', { key })).body;

describe('webhook secret rotation', () => {
  it('refuses bad overlaps with a 400 problem naming the field, and changes nothing', async () => {
    const before = (await current()).secret;
    for (const body of [{ overlapSeconds: -1 }, { overlapSeconds: 1.5 }, { overlapSeconds: 'soon' }, { overlapSeconds: 7 * 86400 + 1 }, { overlapSeconds: 60, extra: true }]) {
      const res = await rotate(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.length, JSON.stringify(res.body)).toBeGreaterThan(0);
    }
    expect((await rotate({ overlapSeconds: -1 })).body.errors[0]).toMatchObject({ field: 'overlapSeconds', pointer: '/overlapSeconds' });
    const malformed = await api(system, 'POST', '/v1/webhook-secret/rotate', { rawBody: '{"overlapSeconds":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const text = await api(system, 'POST', '/v1/webhook-secret/rotate', { rawBody: 'overlapSeconds=5', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toContain('application/problem+json');
    expect((await current()).secret).toBe(before);
  });

  it('needs jobs:write to rotate (jobs:read may only read)', async () => {
    const admin = await api(system, 'POST', '/v1/tenants', { key: system.adminKey, body: { name: 'Reader', key: { scopes: ['jobs:read'] } } });
    const readerKey = admin.body.key.key as string;
    const before = (await current(readerKey)).secret;
    const res = await rotate({}, readerKey);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await current(readerKey)).secret).toBe(before);
  });

  it('defaults to a 24 h overlap, shown by GET', async () => {
    const old = (await current()).secret;
    const res = await rotate();
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(old);
    expect(res.body.previousExpiresAt).toBe(new Date(clock.now().getTime() + 86_400_000).toISOString());
    expect(await current()).toEqual(res.body);
    // Ends the overlap for the next test: rotate with 0 keeps no previous secret.
    const none = await rotate({ overlapSeconds: 0 });
    expect(none.body.previousExpiresAt).toBeUndefined();
    expect((await current()).previousExpiresAt).toBeUndefined();
    expect(v1Count(await deliveryFor())).toBe(1);
  });

  it('signs with both secrets during the overlap, then with the new one only', async () => {
    const old = (await current()).secret;
    const rotated = await rotate({ overlapSeconds: 60 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;

    const during = await deliveryFor();
    expect(v1Count(during)).toBe(2);
    expect(verifies(during, fresh)).toBe(true);
    expect(verifies(during, old)).toBe(true);
    expect(verifies(during, 'whsec_someone_else')).toBe(false);
    // The client package's helper too, with either secret.
    for (const secret of [fresh, old]) expect(verifyWebhook({ payload: during.body, signature: signatureOf(during), secret, now: nowSeconds() }).ok).toBe(true);

    clock.advance(61_000);
    expect((await current()).previousExpiresAt).toBeUndefined();
    const after = await deliveryFor();
    expect(v1Count(after)).toBe(1);
    expect(verifies(after, fresh)).toBe(true);
    expect(verifies(after, old)).toBe(false);
    expect(verifyWebhook({ payload: after.body, signature: signatureOf(after), secret: old, now: nowSeconds() }).ok).toBe(false);
  });

  it('keeps at most two secrets: rotating during an overlap drops the oldest', async () => {
    const first = (await current()).secret;
    const second = (await rotate({ overlapSeconds: 600 })).body.secret as string;
    const third = (await rotate({ overlapSeconds: 600 })).body.secret as string;
    const delivery = await deliveryFor();
    expect(v1Count(delivery)).toBe(2);
    expect(verifies(delivery, third)).toBe(true);
    expect(verifies(delivery, second)).toBe(true);
    expect(verifies(delivery, first)).toBe(false);
    clock.advance(601_000);
  });

  it('is per tenant: one tenant rotating changes nothing for another', async () => {
    const made = await api(system, 'POST', '/v1/tenants', { key: system.adminKey, body: { name: 'Other', key: { scopes: ['jobs:read', 'jobs:write'] } } });
    const otherKey = made.body.key.key as string;
    await seedLocalTerms(system.money.billing, made.body.tenant.id, clock.now().toISOString()); // so it may run jobs
    const otherSecret = (await current(otherKey)).secret as string;
    const mine = (await rotate({ overlapSeconds: 3600 })).body;
    expect(await current(otherKey)).toMatchObject({ secret: otherSecret });
    expect((await current(otherKey)).previousExpiresAt).toBeUndefined();
    const theirs = await deliveryFor(otherKey);
    expect(v1Count(theirs)).toBe(1);
    expect(verifies(theirs, otherSecret)).toBe(true);
    expect(verifies(theirs, mine.secret)).toBe(false);
    expect(v1Count(await deliveryFor())).toBe(2);
    // And the other tenant's rotation leaves ours alone.
    await rotate({ overlapSeconds: 0 }, otherKey);
    expect(await current()).toEqual(mine);
  });
});
