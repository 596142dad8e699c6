// End to end in local mode: the local provider runs the agent-wrapped command; its output
// is readable while it runs, followable over SSE, and kept when the job times out.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { openSse } from '../support/sse.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';

// Real processes and HTTP round trips on a shared, loaded machine: generous, never timed assertions.
vi.setConfig({ testTimeout: 120_000 });

let system: RunningSystem;
const signals = mkdtempSync(join(tmpdir(), 'switchyard-logs-test-'));

beforeAll(async () => {
  system = await startTestSystem({ providers: [new LocalProvider()], agentHeartbeatSeconds: 1 });
  system.agent.logsFollowPollMs = 100;
});
afterAll(async () => system?.stop());

/** A command that prints, then waits until the test releases it. */
const gatedCommand = (gate: string) => [
  'sh',
  '-c',
  `echo "line one"; echo "to stderr" >&2; while [ ! -f ${gate} ]; do sleep 0.2; done; echo "line two"`,
];

const logsText = async (jobId: string, query = '') => {
  const res = await api(system, 'GET', `/v1/jobs/${jobId}/logs${query}`);
  expect(res.status).toBe(200);
  return { text: (res.body.items as { text: string }[]).map((i) => i.text).join(''), body: res.body };
};

describe('GET /v1/jobs/{id}/logs', () => {
  it('serves the output while the job runs, then all of it with no cursor once it ended', async () => {
    const gate = join(signals, 'gate-page');
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(gatedCommand(gate)) })).body;
    const during = await waitFor(() => logsText(job.id), (r) => r.text.includes('to stderr'), { timeoutMs: 60_000 });
    // The command is still waiting for the gate, so the job cannot have finished.
    expect(existsSync(gate)).toBe(false);
    expect((await api(system, 'GET', `/v1/jobs/${job.id}`)).body.status).toBe('running');
    expect(during.body.nextCursor).toMatch(new RegExp(`^${job.id}-a1:\\d+$`));
    writeFileSync(gate, '');
    await waitFor(() => api(system, 'GET', `/v1/jobs/${job.id}`), (r) => r.body.status === 'succeeded', { timeoutMs: 60_000 });
    const after = await logsText(job.id);
    expect(after.text).toBe('line one\nto stderr\nline two\n');
    expect(after.body.nextCursor).toBeUndefined();
    // Continuing from the cursor read while running gives exactly the rest.
    const rest = await logsText(job.id, `?after=${encodeURIComponent(during.body.nextCursor)}`);
    expect(during.text + rest.text).toBe(after.text);
  });

  it('follows the output as Server-Sent Events until the job ends', async () => {
    const gate = join(signals, 'gate-sse');
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(gatedCommand(gate)) })).body;
    const sse = await openSse(`${system.url}/v1/jobs/${job.id}/logs?follow=true`, { authorization: `Bearer ${system.apiKey}` });
    expect(sse.res.status).toBe(200);
    expect(sse.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await sse.readUntil('line one');
    expect(sse.raw()).not.toContain('event: end');
    writeFileSync(gate, ''); // only now may the job finish
    await sse.readUntil('event: end');
    const events = sse.dataOf<{ text: string }>('log');
    expect(events.map((e) => e.text).join('')).toBe('line one\nto stderr\nline two\n');
    expect(sse.raw()).toMatch(/event: end\ndata: \{"status":"succeeded"\}/);
    expect(await sse.closed()).toBe(true);
  });

  it('keeps the output of a job that timed out, and its outputTail', async () => {
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', 'echo "before the limit"; sleep 120'], { maxDurationSeconds: 4 }) })).body;
    const ended = await waitFor(() => api(system, 'GET', `/v1/jobs/${job.id}`), (r) => r.body.status === 'timed_out', { timeoutMs: 60_000 });
    expect((await logsText(job.id)).text).toContain('before the limit');
    expect(ended.body.attempts[0].outputTail).toContain('before the limit');
  });

  it('refuses an unknown attempt or a forged cursor with 400, an unknown job with 404', async () => {
    const job = (await api(system, 'POST', '/v1/jobs', { body: localJob(['true']) })).body;
    expect((await api(system, 'GET', `/v1/jobs/${job.id}/logs?attempt=nope`)).status).toBe(400);
    expect((await api(system, 'GET', `/v1/jobs/${job.id}/logs?after=${job.id}-a7:0`)).status).toBe(400);
    expect((await api(system, 'GET', `/v1/jobs/${job.id}/logs?limit=0`)).status).toBe(400);
    expect((await api(system, 'GET', `/v1/jobs/job_nope/logs`)).status).toBe(404);
  });
});
