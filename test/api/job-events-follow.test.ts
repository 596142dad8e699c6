// GET /v1/jobs/{id}/events: ?after= skips what was seen, ?follow=true streams the timeline
// as SSE until the job ends; every response carries a Request-Id, problems quote it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { openSse } from '../support/sse.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';

vi.setConfig({ testTimeout: 120_000 });

let system: RunningSystem;
const signals = mkdtempSync(join(tmpdir(), 'switchyard-events-test-'));

beforeAll(async () => {
  system = await startTestSystem({ providers: [new LocalProvider()] });
});
afterAll(async () => system?.stop());

const auth = () => ({ authorization: `Bearer ${system.apiKey}` });

describe('GET /v1/jobs/{id}/events', () => {
  it('returns only the events after the given seq', async () => {
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', 'exit 0']) })).body;
    await waitFor(() => api(system, 'GET', `/v1/jobs/${job.id}`), (r) => r.body.status === 'succeeded', { timeoutMs: 60_000 });
    const all = (await api(system, 'GET', `/v1/jobs/${job.id}/events`)).body.items as { seq: number }[];
    expect(all.length).toBeGreaterThan(2);
    const after = (await api(system, 'GET', `/v1/jobs/${job.id}/events?after=2`)).body.items as { seq: number }[];
    expect(after.map((e) => e.seq)).toEqual(all.filter((e) => e.seq > 2).map((e) => e.seq));
    const bad = await api(system, 'GET', `/v1/jobs/${job.id}/events?after=-1`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('after');
  });

  it('follows the timeline over SSE, in seq order, until the job ends', async () => {
    const gate = join(signals, 'gate');
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', `while [ ! -f ${gate} ]; do sleep 0.2; done`]) })).body;
    const sse = await openSse(`${system.url}/v1/jobs/${job.id}/events?follow=true`, auth());
    expect(sse.res.status).toBe(200);
    expect(sse.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await sse.readUntil('"to":"running"');
    expect(sse.raw()).not.toContain('event: end');
    writeFileSync(gate, '');
    await sse.readUntil('event: end');
    const seqs = sse.dataOf<{ seq: number }>('job-event').map((e) => e.seq);
    const timeline = ((await api(system, 'GET', `/v1/jobs/${job.id}/events`)).body.items as { seq: number }[]).map((e) => e.seq);
    expect(seqs).toEqual(timeline); // each once, in order, none missing
    expect(sse.raw()).toMatch(/event: end\ndata: \{"status":"succeeded"\}/);
  });

  it('resumes after Last-Event-ID', async () => {
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', 'exit 3']) })).body;
    await waitFor(() => api(system, 'GET', `/v1/jobs/${job.id}`), (r) => r.body.status === 'failed', { timeoutMs: 60_000 });
    const res = await fetch(`${system.url}/v1/jobs/${job.id}/events?follow=true`, { headers: { ...auth(), 'last-event-id': '2' } });
    const raw = await res.text();
    const ids = [...raw.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(Math.min(...ids)).toBe(3);
    expect(raw).toContain('"status":"failed"');
  });
});

describe('Request-Id', () => {
  it('is on every response and in problem bodies', async () => {
    const ok = await fetch(`${system.url}/v1/jobs`, { headers: auth() });
    expect(ok.headers.get('request-id')).toMatch(/^[\w-]{8,}$/);
    const missing = await fetch(`${system.url}/v1/jobs/job_nope`, { headers: auth() });
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { requestId?: string };
    expect(body.requestId).toBe(missing.headers.get('request-id'));
    const unauth = await fetch(`${system.url}/v1/jobs`);
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('request-id')).toBeTruthy();
    expect(((await unauth.json()) as { requestId?: string }).requestId).toBe(unauth.headers.get('request-id'));
  });
});
