// The typed client against the real local system: the README's job body submitted as
// written (this file is type-checked by tsc, so the body must fit the generated types),
// waits, SSE followers, typed errors and webhook verification.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { signatureHeader } from '../../src/webhooks/signature.js';
import { WEBHOOK_EVENT_TYPES as API_WEBHOOK_EVENT_TYPES } from '../../src/webhooks/event-types.js';
import { createSwitchyard, SwitchyardError, verifyWebhook, WEBHOOK_EVENT_TYPES, type JobSpec, type Switchyard } from '../../packages/client/src/index.js';
import { localJob, startTestSystem } from '../support/system.js';

let system: RunningSystem;
let client: Switchyard;

beforeAll(async () => {
  system = await startTestSystem({ providers: [new LocalProvider()], agentHeartbeatSeconds: 1 });
  system.agent.logsFollowPollMs = 100;
  client = createSwitchyard({ url: system.url, apiKey: system.apiKey });
});
afterAll(async () => system?.stop());

// The README's first job, copied as written; the test below checks it still matches the README.
const readmeJob: JobSpec = {"image":"python:3.12","command":["sh","-c","echo hello"],
         "resources":{"gpu":{"models":["H100"],"count":1}},
         "maxDurationSeconds":60,"maxPricePerGpuHourUsd":3,
         "placement":{"networks":["local"],"fallback":"none"}};

const readmeBody = (): unknown => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const match = /-d '(\{"image"[\s\S]*?\})'/.exec(readme);
  if (!match?.[1]) throw new Error('no -d body in the README');
  return JSON.parse(match[1]);
};

describe('@switchyard/client', () => {
  it("submits the README's job body unchanged and waits for it to succeed", async () => {
    expect(readmeJob).toEqual(readmeBody());
    const job = await client.submit(readmeJob);
    expect(job.id).toMatch(/^job_/);
    const done = await client.wait(job.id, { timeoutMs: 60_000, minDelayMs: 50 });
    expect(done.status).toBe('succeeded');
    expect(done.attempts[0]?.provider).toBe('local');
    expect(done.attempts[0]?.exitCode).toBe(0);
  });

  it('makes up an Idempotency-Key per submit, and a given key replays the same job', async () => {
    const a = await client.submit(localJob(['true']) as JobSpec);
    const b = await client.submit(localJob(['true']) as JobSpec);
    expect(a.id).not.toBe(b.id);
    const c = await client.submit(localJob(['true']) as JobSpec, { idempotencyKey: 'client-test-key' });
    const d = await client.submit(localJob(['true']) as JobSpec, { idempotencyKey: 'client-test-key' });
    expect(d.id).toBe(c.id);
    const other = await client.submit(localJob(['false']) as JobSpec, { idempotencyKey: 'client-test-key' }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(SwitchyardError);
    expect((other as SwitchyardError).status).toBe(422);
  });

  it('throws SwitchyardError with status, type, title, detail and every invalid field', async () => {
    const bad = { ...readmeJob, maxDurationSeconds: -1, image: '' };
    const error = await client.submit(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    const problem = error as SwitchyardError;
    expect(problem.status).toBe(400);
    expect(problem.type).toMatch(/validation/);
    expect(problem.title).not.toBe('');
    expect(problem.detail).not.toBe('');
    expect(problem.fields.map((f) => f.field).sort()).toEqual(['image', 'maxDurationSeconds']);
    const missing = await client.getJob('job_doesnotexist').catch((e: unknown) => e);
    expect((missing as SwitchyardError).status).toBe(404);
    const unauthorised = await createSwitchyard({ url: system.url, apiKey: 'sy_live_nope_nope' }).listJobs().catch((e: unknown) => e);
    expect((unauthorised as SwitchyardError).status).toBe(401);
  });

  it('follows the logs over SSE to the end of the job', async () => {
    const job = await client.submit(localJob(['sh', '-c', 'echo first; sleep 1; echo second']) as JobSpec);
    let text = '';
    for await (const piece of client.followLogs(job.id)) text += piece.text;
    expect(text).toBe('first\nsecond\n');
    expect((await client.getJob(job.id)).status).toBe('succeeded');
  });

  it('follows the events, each once and in seq order, until the job ends', async () => {
    const job = await client.submit(localJob(['sh', '-c', 'exit 3']) as JobSpec);
    const seen = [];
    for await (const event of client.followEvents(job.id)) seen.push(event);
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual((await client.jobEvents(job.id)).map((e) => e.seq));
    expect(seen.at(-1)?.to).toBe('failed');
    expect((await client.getJob(job.id)).attempts[0]?.exitCode).toBe(3);
  });

  it('lists jobs, cancels one, and reads providers, quotes, balance and usage', async () => {
    const job = await client.submit(localJob(['sleep', '30']) as JobSpec);
    const cancelled = await client.cancelJob(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await client.listJobs({ limit: 100 })).items.map((j) => j.id)).toContain(job.id);
    expect((await client.providers()).map((p) => p.name)).toContain('local');
    const quote = await client.quote(readmeJob);
    expect(quote.offers.length).toBeGreaterThan(0);
    expect(typeof (await client.balance()).availableMicroUsd).toBe('number');
    expect(Array.isArray((await client.usage()).items)).toBe(true);
  });

  it('verifies webhooks signed the way the API signs them, and refuses tampering', () => {
    const now = 1_800_000_000;
    const payload = JSON.stringify({ type: 'job.succeeded', data: { id: 'job_1' } });
    const header = signatureHeader('whsec_test', now, payload);
    const ok = verifyWebhook({ payload, signature: header, secret: 'whsec_test', now });
    expect(ok).toMatchObject({ ok: true, timestamp: now, event: { type: 'job.succeeded' } });
    expect(verifyWebhook({ payload, signature: header, secret: ['old', 'whsec_test'], now }).ok).toBe(true);
    expect(verifyWebhook({ payload: payload.replace('job_1', 'job_2'), signature: header, secret: 'whsec_test', now })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifyWebhook({ payload, signature: header, secret: 'whsec_test', now: now + 301 })).toEqual({ ok: false, reason: 'timestamp outside the tolerance' });
    expect(verifyWebhook({ payload, signature: undefined, secret: 'whsec_test', now }).ok).toBe(false);
    // A rotation's header (two v1 entries) verifies with either secret.
    const rolled = signatureHeader(['whsec_new', 'whsec_test'], now, payload);
    expect(verifyWebhook({ payload, signature: rolled, secret: 'whsec_new', now }).ok).toBe(true);
    expect(verifyWebhook({ payload, signature: rolled, secret: 'whsec_test', now }).ok).toBe(true);
    expect(verifyWebhook({ payload, signature: rolled, secret: 'whsec_gone', now }).ok).toBe(false);
  });

  it("lists the API's webhook event types", () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual(API_WEBHOOK_EVENT_TYPES);
  });
});
