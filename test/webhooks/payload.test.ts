// What a webhook carries, through a real run in local mode (DynamoDB Local, the local
// provider, a receiver on 127.0.0.1): Stripe-like types, the seq, and the job snapshot that
// GET /v1/jobs/{id} shows (the final one with its settled cost), and never a secret value,
// an agent token or internal fields, for a job that uses a tenant secret and prints it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';
import { startReceiver, type Receiver } from './receiver.js';

const VALUE = 'hf-live-4be1c07a93d2-WEBHOOK-MUST-NOT-SEE';
let system: RunningSystem;
let hook: Receiver;
beforeAll(async () => {
  hook = await startReceiver([200]);
  system = await startTestSystem({ allowPrivateWebhooks: true, webhookIntervalMs: 50 });
});
afterAll(async () => {
  await system?.stop();
  await hook?.close();
});

/** Every key anywhere in a JSON value. */
const keysOf = (value: unknown): string[] =>
  value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];

describe('webhook payloads', () => {
  it('are typed, ordered by seq, and carry the public job view without secrets', async () => {
    expect((await api(system, 'POST', '/v1/secrets', { body: { name: 'hf', value: VALUE } })).status).toBe(201);
    const submitted = await api(system, 'POST', '/v1/jobs', {
      body: localJob(['sh', '-c', 'echo "token is $HF_TOKEN"'], { secrets: { HF_TOKEN: 'hf' }, env: { PLAIN_SETTING: 'visible' }, webhookUrl: hook.url, name: 'snap' }),
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.id as string;
    const done = await waitFor(() => api(system, 'GET', `/v1/jobs/${jobId}`), (r) => r.body.status === 'succeeded' || r.body.status === 'failed', { timeoutMs: 60_000 });
    expect(done.body.status, JSON.stringify(done.body)).toBe('succeeded');
    await waitFor(async () => hook.received.length, (n) => n >= 3, { timeoutMs: 30_000 });

    const bodies = hook.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual(['job.queued', 'job.running', 'job.succeeded']);
    const seqs = bodies.map((b) => b.seq as number);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(3);
    const timeline = (await api(system, 'GET', `/v1/jobs/${jobId}/events`)).body.items as { seq: number; at: string; to: string }[];
    for (const b of bodies) {
      expect(Object.keys(b).sort()).toEqual(['createdAt', 'data', 'id', 'jobId', 'seq', 'type']);
      expect(Object.keys(b.data)).toEqual(['object']);
      const event = timeline.find((e) => e.seq === b.seq)!;
      expect(b).toMatchObject({ id: `evt_${jobId}_${b.seq}`, jobId, createdAt: event.at });
      // The snapshot is the job right after the event: its status is the event's.
      expect(b.data.object.status).toBe(event.to);
      expect(b.data.object).toMatchObject({ id: jobId, spec: { name: 'snap', secrets: { HF_TOKEN: 'hf' }, env: { PLAIN_SETTING: 'visible' } } });
    }
    expect(bodies[0].data.object.attempts).toEqual([]);
    expect(bodies[1].data.object.attempts).toHaveLength(1);
    // The final one waited for the settlement: exactly what GET shows now, cost included.
    const final = (await api(system, 'GET', `/v1/jobs/${jobId}`)).body;
    expect(final.costMicroUsd).toEqual(expect.any(Number));
    expect(bodies[2].data.object).toEqual(final);

    for (const r of hook.received) {
      expect(r.body).not.toContain(VALUE);
      expect(r.body).not.toContain('sya1.'); // agent tokens
      expect(r.body).not.toContain(system.agentTokenKey);
    }
    const keys = new Set(bodies.flatMap((b) => keysOf(b)));
    for (const internal of ['tenantId', 'version', 'leaseUntil', 'providerRef', 'offerId', 'releaseNote', 'token', 'value']) expect(keys.has(internal), internal).toBe(false);
  }, 90_000);
});
