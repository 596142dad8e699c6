// Outputs through the real API, s3rver through the real S3 client: the agent declares its
// files, uploads them with presigned PUTs, commits; only then does GET /v1/jobs/{id}/outputs
// list them (size, sha256, a short-lived download URL that serves the bytes).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll } from '../../src/core/object-store.js';
import type { RunningSystem } from '../../src/local/system.js';
import { agentFor, putTo, submitAndPlace } from '../support/agent-client.js';
import { sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

const CAP = 1000;
let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ providers: [sim({ name: 'sim-out', runTimeMs: 600_000 })], runTime: { maxOutputBytes: CAP, downloadUrlSeconds: 120 } });
});
afterAll(() => system.stop());

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const job = () => submitAndPlace(system, simJob({ outputs: { path: '/outputs' } }));

describe('outputs', () => {
  it('are listed only after every declared file was uploaded and committed', async () => {
    const { jobId, attemptId } = await job();
    const agent = agentFor(system, jobId, attemptId);
    const files = { 'model.bin': 'weights'.repeat(20), 'eval/metrics.json': '{"acc":0.93}' };
    const declared = await agent.call('POST', '/v1/agent/outputs', {
      files: Object.entries(files).map(([path, body]) => ({ path, sizeBytes: Buffer.byteLength(body), sha256: sha(body) })),
    });
    expect(declared.status).toBe(200);
    expect(declared.body.uploads.map((u: { path: string }) => u.path)).toEqual(['model.bin', 'eval/metrics.json']);
    const urls = new Map<string, string>(declared.body.uploads.map((u: { path: string; url: string }) => [u.path, u.url]));
    // Expiry is short: the URL says so itself (X-Amz-Expires, seconds).
    expect(Number(new URL(urls.get('model.bin')!).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(3600);

    expect(await putTo(urls.get('model.bin')!, files['model.bin'])).toBe(200);
    // One file still missing: the commit refuses, naming it, and nothing is listed.
    const early = await agent.call('POST', '/v1/agent/outputs/commit');
    expect(early.status).toBe(409);
    expect(early.body.missing).toEqual(['eval/metrics.json']);
    expect((await api(system, 'GET', `/v1/jobs/${jobId}/outputs`)).body).toEqual({ status: 'none', items: [] });

    expect(await putTo(urls.get('eval/metrics.json')!, files['eval/metrics.json'])).toBe(200);
    expect((await agent.call('POST', '/v1/agent/outputs/commit')).status).toBe(204);

    const listed = await api(system, 'GET', `/v1/jobs/${jobId}/outputs`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ status: 'listed', attemptId });
    expect(listed.body.items.map((i: any) => [i.path, i.sizeBytes, i.sha256])).toEqual(
      Object.entries(files).map(([path, body]) => [path, Buffer.byteLength(body), sha(body)]),
    );
    for (const item of listed.body.items) {
      expect(Number(new URL(item.url).searchParams.get('X-Amz-Expires'))).toBe(120);
      const download = await fetch(item.url);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe(files[item.path as keyof typeof files]);
    }
    const keys = (await listAll(system.buckets.outputs, `${system.tenantId}/${jobId}/`)).map((o) => o.key).sort();
    expect(keys).toEqual([`${system.tenantId}/${jobId}/eval/metrics.json`, `${system.tenantId}/${jobId}/model.bin`]);
  });

  it('a file uploaded with another size than declared is not listed', async () => {
    const { jobId, attemptId } = await job();
    const agent = agentFor(system, jobId, attemptId);
    const declared = await agent.call('POST', '/v1/agent/outputs', { files: [{ path: 'a.txt', sizeBytes: 5, sha256: sha('hello') }] });
    // A PUT of a different length than signed: S3 refuses it; a lenient store may keep it, and then the commit must.
    await putTo(declared.body.uploads[0].url, 'hello world').catch(() => 0);
    expect((await agent.call('POST', '/v1/agent/outputs/commit')).status).toBe(409);
    expect((await api(system, 'GET', `/v1/jobs/${jobId}/outputs`)).body.items).toEqual([]);
  });

  it('over the cap: 413 with a clear reason, no URL handed out, nothing listed, and the listing says why', async () => {
    const { jobId, attemptId } = await job();
    const agent = agentFor(system, jobId, attemptId);
    const res = await agent.call('POST', '/v1/agent/outputs', {
      files: [
        { path: 'big-1.bin', sizeBytes: 600, sha256: sha('x') },
        { path: 'big-2.bin', sizeBytes: 600, sha256: sha('y') },
      ],
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ type: expect.stringContaining('outputs-too-large'), totalBytes: 1200, maxBytes: CAP });
    expect(res.body.uploads).toBeUndefined();
    expect((await agent.call('POST', '/v1/agent/outputs/commit')).status).toBe(409);
    const listing = await api(system, 'GET', `/v1/jobs/${jobId}/outputs`);
    expect(listing.body).toMatchObject({ status: 'refused', attemptId, items: [] });
    expect(listing.body.reason).toContain('1200 bytes');
    expect(await listAll(system.buckets.outputs, `${system.tenantId}/${jobId}/`)).toEqual([]);
  });

  it('refuses unsafe or duplicate paths with a 400 naming them', async () => {
    const { jobId, attemptId } = await job();
    const agent = agentFor(system, jobId, attemptId);
    for (const path of ['/etc/passwd', '../escape', 'a/../../b', 'a//b', 'back\\slash']) {
      const res = await agent.call('POST', '/v1/agent/outputs', { files: [{ path, sizeBytes: 1, sha256: sha('a') }] });
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0].detail).toContain(path);
    }
    const dup = await agent.call('POST', '/v1/agent/outputs', { files: [{ path: 'x', sizeBytes: 1, sha256: sha('a') }, { path: 'x', sizeBytes: 1, sha256: sha('a') }] });
    expect(dup.status).toBe(400);
  });

  it('a forged or expired token is a 401 and writes nothing', async () => {
    const { jobId, attemptId } = await job();
    const forged = agentFor(system, jobId, attemptId, { key: 'k'.repeat(64) });
    const expired = agentFor(system, jobId, attemptId, { expiresAt: Math.floor(Date.now() / 1000) - 1 });
    const files = { files: [{ path: 'f', sizeBytes: 1, sha256: sha('a') }] };
    for (const agent of [forged, expired]) {
      expect((await agent.call('POST', '/v1/agent/outputs', files)).status).toBe(401);
      expect((await agent.call('POST', '/v1/agent/outputs/commit')).status).toBe(401);
    }
    expect(await system.deps.store.get(jobId)).toBeDefined();
    const good = agentFor(system, jobId, attemptId);
    // Nothing was declared by the refused calls.
    expect((await good.call('POST', '/v1/agent/outputs/commit')).status).toBe(409);
  });

  it("another job's outputs are a 404 to another tenant, and the outputs route needs an API key", async () => {
    const { jobId } = await job();
    expect((await api(system, 'GET', `/v1/jobs/${jobId}/outputs`, { key: null })).status).toBe(401);
    expect((await api(system, 'GET', '/v1/jobs/job_doesnotexist/outputs')).status).toBe(404);
  });
});
