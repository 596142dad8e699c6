// A job's life through the HTTP API with the `local` provider really running commands.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const submit = async (body: unknown) => {
  const res = await api(system, 'POST', '/v1/jobs', { body });
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const untilStatus = (id: string, done: (status: string) => boolean) =>
  waitFor(() => api(system, 'GET', `/v1/jobs/${id}`).then((r) => r.body), (job) => done(job.status));

describe('job lifecycle', () => {
  it('runs a real command to succeeded and records its output', async () => {
    const id = await submit(localJob(['sh', '-c', 'echo "gpu=$GPU_HINT"'], { env: { GPU_HINT: 'pretend-h100' } }));
    const job = await untilStatus(id, (s) => s === 'succeeded');
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]).toMatchObject({ provider: 'local', status: 'succeeded', exitCode: 0 });
    expect(job.attempts[0].outputTail).toContain('gpu=pretend-h100');
    expect(job.attempts[0].startedAt).toBeTruthy();
    expect(job.attempts[0].endedAt).toBeTruthy();

    const events = (await api(system, 'GET', `/v1/jobs/${id}/events`)).body.items;
    const statusPath = events.filter((e: any) => e.type === 'status').map((e: any) => e.to);
    expect(statusPath).toEqual(['queued', 'placing', 'starting', 'running', 'succeeded']);
    expect(events.map((e: any) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
  });

  it('ends failed with the exit code of a failing command', async () => {
    const id = await submit(localJob(['sh', '-c', 'echo boom >&2; exit 7']));
    const job = await untilStatus(id, (s) => s === 'failed');
    expect(job.reason).toBe('the command exited with code 7');
    expect(job.attempts[0]).toMatchObject({ status: 'failed', exitCode: 7 });
    expect(job.attempts[0].outputTail).toContain('boom');
  });

  it('fails a command that does not exist with exit code 127', async () => {
    const id = await submit(localJob(['definitely-not-a-command-xyz']));
    const job = await untilStatus(id, (s) => s === 'failed');
    expect(job.attempts[0].exitCode).toBe(127);
  });

  it('cancels a running job and stops its process', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'sy-test-')), 'pid');
    const id = await submit(localJob(['sh', '-c', 'echo $$ > "$PID_FILE"; sleep 30'], { env: { PID_FILE: pidFile } }));
    await untilStatus(id, (s) => s === 'running');
    const pid = Number((await waitFor(async () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8') : ''), (t) => t.trim() !== '')).trim());
    expect(processAlive(pid)).toBe(true);
    const cancelled = await api(system, 'POST', `/v1/jobs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const job = await waitFor(
      () => api(system, 'GET', `/v1/jobs/${id}`).then((r) => r.body),
      (j) => j.attempts[0].status === 'cancelled',
    );
    expect(job.status).toBe('cancelled');
    await waitFor(async () => processAlive(pid), (alive) => !alive);
    const again = await api(system, 'POST', `/v1/jobs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    const events = (await api(system, 'GET', `/v1/jobs/${id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'attempt', from: 'cancelling', to: 'cancelled' });
  });

  it('cancels a queued job before it runs', async () => {
    // The loops are on: a cancel right after submit races the dispatcher; either way the job ends cancelled.
    const id = await submit(localJob(['sh', '-c', 'sleep 30']));
    const res = await api(system, 'POST', `/v1/jobs/${id}/cancel`);
    expect(res.status).toBe(200);
    const job = await waitFor(
      () => api(system, 'GET', `/v1/jobs/${id}`).then((r) => r.body),
      (j) => j.attempts.every((a: any) => a.status === 'cancelled'),
    );
    expect(job.status).toBe('cancelled');
  });

  it('times a job out at maxDurationSeconds', async () => {
    const id = await submit(localJob(['sh', '-c', 'sleep 30'], { maxDurationSeconds: 1 }));
    const job = await untilStatus(id, (s) => s === 'timed_out');
    expect(job.attempts[0].status).toBe('timed_out');
    expect(job.reason).toMatch(/maxDurationSeconds|time limit/);
  });

  it('lists jobs newest first, filters by status and pages with a cursor', async () => {
    const first = await submit(localJob(['true']));
    const second = await submit(localJob(['true']));
    await untilStatus(second, (s) => s === 'succeeded');
    await untilStatus(first, (s) => s === 'succeeded');
    const page1 = await api(system, 'GET', '/v1/jobs?limit=1');
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.items[0].id).toBe(second);
    const page2 = await api(system, 'GET', `/v1/jobs?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items[0].id).toBe(first);
    const succeeded = await api(system, 'GET', '/v1/jobs?status=succeeded&limit=100');
    expect(succeeded.body.items.every((j: any) => j.status === 'succeeded')).toBe(true);
    expect(succeeded.body.items.map((j: any) => j.id)).toEqual(expect.arrayContaining([first, second]));
    const failed = await api(system, 'GET', '/v1/jobs?status=failed&limit=100');
    expect(failed.body.items.map((j: any) => j.id)).not.toContain(first);
  });

  it('lists the providers with kind, GPUs, prices and health', async () => {
    const res = await api(system, 'GET', '/v1/providers');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.items.map((p: any) => [p.name, p]));
    expect(byName.local).toMatchObject({ kind: 'local', enabled: true, health: 'healthy' });
    expect(byName.akash).toMatchObject({ kind: 'decentralized', enabled: true });
    expect(byName['aws-batch'].kind).toBe('cloud');
    expect(byName['aws-batch'].gpus.find((g: any) => g.model === 'H100').minPricePerGpuHourMicroUsd).toBeGreaterThan(0);
  });
});

describe('job view', () => {
  it('keeps the spec and attempts in the order the schema documents, whatever the store returns', async () => {
    const res = await api(system, 'POST', '/v1/jobs', {
      body: { placement: { fallback: 'none', networks: ['local'], strategy: 'fastest' }, maxPricePerGpuHourUsd: 3, maxDurationSeconds: 60, resources: { gpu: { count: 1, models: ['H100'] } }, command: ['true'], image: 'i' },
    });
    const job = await untilStatus(res.body.id, (s) => s === 'succeeded');
    expect(Object.keys(job.spec)).toEqual(['image', 'command', 'resources', 'maxDurationSeconds', 'maxPricePerGpuHourUsd', 'placement']);
    expect(Object.keys(job.spec.resources.gpu)).toEqual(['models', 'count']);
    expect(Object.keys(job.spec.placement)).toEqual(['strategy', 'networks', 'fallback']);
    expect(Object.keys(job.attempts[0]).slice(0, 3)).toEqual(['id', 'provider', 'status']);
  });
});
