// The agent's own routes: log chunks idempotent by offset, gaps refused with where to
// resume, the first exit report stands, and an ended attempt's agent is told to stop.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueAttemptToken } from '../../src/agent/capability-token.js';
import { listAll } from '../../src/core/object-store.js';
import type { RunningSystem } from '../../src/local/system.js';
import { sim, simJob } from '../support/sim.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

// Real processes and HTTP round trips on a shared, loaded machine: generous, never timed assertions.
vi.setConfig({ testTimeout: 120_000 });

const GRACE_SECONDS = 2;
let system: RunningSystem;

const newAttempt = async () => {
  const jobId = (await api(system, 'POST', '/v1/jobs', { body: simJob() })).body.id as string;
  const job = await waitFor(() => system.store.get(jobId), (j) => j?.attempts[0]?.status === 'running' || j?.attempts[0]?.status === 'starting');
  const attemptId = job!.attempts[0]!.id;
  const token = issueAttemptToken(system.agentTokenKey, { tenantId: system.tenantId, jobId, attemptId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
  return { jobId, attemptId, token };
};

const call = async (token: string, method: string, path: string, body?: string, type = 'application/json') => {
  const res = await fetch(`${system.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const chunk = (token: string, offset: number, text: string) => call(token, 'POST', `/v1/agent/logs?offset=${offset}`, text, 'application/octet-stream');

beforeAll(async () => {
  system = await startTestSystem({ providers: [sim({ name: 'sim-a', runTimeMs: 600_000 })], agentRateLimit: false, agentEndedGraceSeconds: GRACE_SECONDS });
});
afterAll(async () => system?.stop());

describe('POST /v1/agent/logs', () => {
  it('stores chunks by offset, accepts a repeat, and refuses a gap with the offset to resend from', async () => {
    const { jobId, attemptId, token } = await newAttempt();
    expect(await chunk(token, 0, 'hello ')).toEqual({ status: 200, body: { nextOffset: 6 } });
    expect(await chunk(token, 0, 'hello ')).toEqual({ status: 200, body: { nextOffset: 6 } }); // a retry
    const gap = await chunk(token, 20, 'later');
    expect(gap.status).toBe(409);
    expect(gap.body).toMatchObject({ nextOffset: 6 });
    expect(await chunk(token, 6, 'world')).toEqual({ status: 200, body: { nextOffset: 11 } });
    const keys = (await listAll(system.buckets.logs, `${system.tenantId}/${jobId}/${attemptId}/`)).map((o) => o.key.split('/').pop());
    expect(keys).toEqual(['000000000000000', '000000000000006']); // the gap wrote nothing
    const page = await api(system, 'GET', `/v1/jobs/${jobId}/logs`);
    expect(page.body.items.map((i: { text: string }) => i.text).join('')).toBe('hello world');
  });

  it('refuses a bad offset with 400', async () => {
    const { token } = await newAttempt();
    for (const offset of ['-1', 'x', '1.5', '']) expect((await call(token, 'POST', `/v1/agent/logs?offset=${offset}`, 'a', 'application/octet-stream')).status).toBe(400);
  });
});

describe('POST /v1/agent/exit', () => {
  it('keeps the first report', async () => {
    const { jobId, attemptId, token } = await newAttempt();
    const endedAt = new Date().toISOString();
    expect(await call(token, 'POST', '/v1/agent/exit', JSON.stringify({ exitCode: 3, endedAt }))).toEqual({ status: 200, body: { exitCode: 3, endedAt } });
    const again = await call(token, 'POST', '/v1/agent/exit', JSON.stringify({ exitCode: 0, endedAt: new Date().toISOString() }));
    expect(again.body.exitCode).toBe(3);
    expect((await system.agent.store.get(jobId, attemptId))?.exit?.exitCode).toBe(3);
    // The reconciler ends the attempt with it, though the provider says it is still running.
    const job = await waitFor(() => system.store.get(jobId), (j) => j?.status === 'failed');
    expect(job!.attempts[0]).toMatchObject({ exitCode: 3, exitCodeSource: 'agent' });
  });

  it('refuses an invalid body with 400 and records nothing', async () => {
    const { jobId, attemptId, token } = await newAttempt();
    for (const body of ['{}', '{"exitCode":"0","endedAt":"2026-01-01T00:00:00Z"}', '{"exitCode":0,"endedAt":"yesterday"}', 'not json']) {
      expect((await call(token, 'POST', '/v1/agent/exit', body)).status).toBe(400);
    }
    expect(await system.agent.store.get(jobId, attemptId)).toBeUndefined();
  });
});

describe('an attempt that ended', () => {
  it('tells its agent to stop within the grace, then answers 409 attempt-ended', async () => {
    const { jobId, token } = await newAttempt();
    expect((await call(token, 'POST', '/v1/agent/heartbeat', '{}')).body).toEqual({ cancel: false, heartbeatSeconds: 30 });
    expect((await api(system, 'POST', `/v1/jobs/${jobId}/cancel`)).status).toBe(200);
    const stop = await call(token, 'POST', '/v1/agent/heartbeat', '{}');
    expect(stop).toEqual({ status: 200, body: { cancel: true, heartbeatSeconds: 30 } });
    await waitFor(() => system.store.get(jobId), (j) => j?.attempts[0]?.endedAt !== undefined);
    const late = await waitFor(() => call(token, 'POST', '/v1/agent/heartbeat', '{}'), (r) => r.status !== 200, { timeoutMs: 30_000, intervalMs: 250 });
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/attempt-ended$/);
  });
});
