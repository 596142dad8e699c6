// The agent routes' gate: only the attempt's own, unexpired token gets in; nothing is
// written for anyone else; per-attempt rate and body limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAttemptToken } from '../../src/agent/capability-token.js';
import { listAll } from '../../src/core/object-store.js';
import type { RunningSystem } from '../../src/local/system.js';
import { sim, simJob } from '../support/sim.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

let system: RunningSystem;
let jobId: string;
let attemptId: string;

const agentCall = async (token: string | null, method: string, path: string, body?: string, type = 'application/json') => {
  const headers: Record<string, string> = { 'content-type': type };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${system.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

const tokenFor = (over: Partial<{ tenantId: string; jobId: string; attemptId: string; expiresAt: number }> = {}, key = system.agentTokenKey) =>
  issueAttemptToken(key, { tenantId: system.tenantId, jobId, attemptId, expiresAt: Math.floor(Date.now() / 1000) + 600, ...over });

const nothingWritten = async (attempt = attemptId) => {
  expect(await system.agent.store.get(jobId, attempt)).toBeUndefined();
  expect(await listAll(system.buckets.logs, `${system.tenantId}/${jobId}/`)).toEqual([]);
};

beforeAll(async () => {
  system = await startTestSystem({ providers: [sim({ name: 'sim-a', runTimeMs: 600_000 })], agentRateLimit: { ratePerSecond: 0.01, burst: 8 } });
  const submitted = await api(system, 'POST', '/v1/jobs', { body: simJob() });
  jobId = submitted.body.id;
  const job = await waitFor(() => system.store.get(jobId), (j) => (j?.attempts.length ?? 0) > 0);
  attemptId = job!.attempts[0]!.id;
});
afterAll(async () => {
  await system?.stop();
});

describe('agent token gate', () => {
  it('refuses a missing, forged, expired or other-key token with 401 and writes nothing', async () => {
    const good = tokenFor();
    const [head, payload] = good.split('.');
    // The right attempt with a later expiry, under the original signature.
    const forgedPayload = Buffer.from(JSON.stringify({ t: system.tenantId, j: jobId, a: attemptId, exp: 9_999_999_999 })).toString('base64url');
    const refused = [
      null,
      'not-a-token',
      `${head}.${forgedPayload}.${good.split('.')[2]}`,
      `${head}.${payload}.${'A'.repeat(43)}`,
      tokenFor({ expiresAt: Math.floor(Date.now() / 1000) - 1 }),
      tokenFor({}, 'x'.repeat(64)),
      system.apiKey,
    ];
    for (const token of refused) {
      for (const [method, path, body, type] of [
        ['POST', '/v1/agent/heartbeat', '{}', 'application/json'],
        ['POST', '/v1/agent/logs?offset=0', 'hello', 'application/octet-stream'],
        ['POST', '/v1/agent/exit', JSON.stringify({ exitCode: 0, endedAt: new Date().toISOString() }), 'application/json'],
      ] as const) {
        const res = await agentCall(token, method, path, body, type);
        expect(res.status, `${path} with ${String(token).slice(0, 20)}`).toBe(401);
        expect(res.body.type).toMatch(/unauthorized$/);
      }
    }
    await nothingWritten();
  });

  it('refuses a genuine token for an attempt that does not exist or another tenant', async () => {
    expect((await agentCall(tokenFor({ attemptId: `${jobId}-a9` }), 'POST', '/v1/agent/heartbeat', '{}')).status).toBe(401);
    expect((await agentCall(tokenFor({ tenantId: 'someone-else' }), 'POST', '/v1/agent/heartbeat', '{}')).status).toBe(401);
    await nothingWritten(`${jobId}-a9`);
  });

  it('an agent token is not an API key', async () => {
    const res = await api(system, 'GET', '/v1/jobs', { key: tokenFor() });
    expect(res.status).toBe(401);
  });

  it('limits bodies to 64 KiB before anything is written', async () => {
    const res = await agentCall(tokenFor(), 'POST', '/v1/agent/logs?offset=0', 'x'.repeat(64 * 1024 + 1), 'application/octet-stream');
    expect(res.status).toBe(413);
    await nothingWritten();
  });

  it('accepts the attempt\'s own token, then rate-limits it per attempt', async () => {
    const token = tokenFor();
    const first = await agentCall(token, 'POST', '/v1/agent/heartbeat', '{}');
    expect(first).toEqual({ status: 200, body: { cancel: false, heartbeatSeconds: 30 } });
    expect((await system.agent.store.get(jobId, attemptId))?.lastHeartbeatAt).toBeDefined();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await agentCall(token, 'POST', '/v1/agent/heartbeat', '{}')).status);
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(8);
  });
});
