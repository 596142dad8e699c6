// Checkpoints through the real API and s3rver: upload through a presigned PUT, commit, and
// the next attempt is handed it (recording resumedFrom); a superseded attempt cannot roll
// the job back; forged and expired tokens write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll } from '../../src/core/object-store.js';
import { JobChange } from '../../src/core/transitions.js';
import { ConflictError } from '../../src/core/ports.js';
import type { RunningSystem } from '../../src/local/system.js';
import { agentFor, putTo, submitAndPlace } from '../support/agent-client.js';
import { sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ providers: [sim({ name: 'sim-ck', runTimeMs: 600_000 })], runTime: { maxCheckpointBytes: 4096 } });
});
afterAll(() => system.stop());

const spec = () => simJob({ checkpoint: { path: '/checkpoints', everySeconds: 60 } });

const save = async (agent: ReturnType<typeof agentFor>, bytes: string) => {
  const start = await agent.call('POST', '/v1/agent/checkpoint', { sizeBytes: Buffer.byteLength(bytes) });
  expect(start.status).toBe(200);
  expect(await putTo(start.body.url, bytes)).toBe(200);
  return { key: start.body.key as string, commit: await agent.call('POST', '/v1/agent/checkpoint/commit', { key: start.body.key, sizeBytes: Buffer.byteLength(bytes) }) };
};

/** Ends the live attempt and adds a new one, as a failover does (without a provider in the way). */
const failOver = async (jobId: string): Promise<string> => {
  // Read, change, write; read again when the running system wrote the job in between (as the reconciler does).
  for (;;) {
    const job = (await system.store.get(jobId))!;
    const live = job.attempts[job.attempts.length - 1]!;
    const now = new Date().toISOString();
    const next = `${jobId}-a${job.attempts.length + 1}`;
    const change = new JobChange(job, now)
      .attempt(live.id, { status: 'failed', endedAt: now }, 'lost (test)')
      .addAttempt({ id: next, provider: 'sim-ck', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 2, status: 'starting', createdAt: now }, 'test');
    try {
      await system.store.write(change.build());
      return next;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
};

describe('checkpoints', () => {
  it('a new job has none (204); a committed one is handed to the next attempt, which records resumedFrom', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, spec());
    const first = agentFor(system, jobId, attemptId);
    expect((await first.call('GET', '/v1/agent/checkpoint')).status).toBe(204);

    const { key, commit } = await save(first, 'step=7');
    expect(commit.status).toBe(204);
    expect(key.startsWith(`${system.tenantId}/${jobId}/${attemptId}/`)).toBe(true);
    const view = (await api(system, 'GET', `/v1/jobs/${jobId}`)).body;
    expect(view.checkpoint).toMatchObject({ sizeBytes: 6, attemptId });
    expect(JSON.stringify(view)).not.toContain(key);

    const second = await failOver(jobId);
    const restore = await agentFor(system, jobId, second).call('GET', '/v1/agent/checkpoint');
    expect(restore.status).toBe(200);
    expect(restore.body).toMatchObject({ sizeBytes: 6, savedAt: view.checkpoint.savedAt });
    expect(await (await fetch(restore.body.url)).text()).toBe('step=7');
    const after = (await api(system, 'GET', `/v1/jobs/${jobId}`)).body;
    expect(after.attempts[1].resumedFrom).toEqual({ savedAt: view.checkpoint.savedAt, sizeBytes: 6, attemptId });
  });

  it('a newer save replaces the older one, whose object is removed', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, spec());
    const agent = agentFor(system, jobId, attemptId);
    const one = await save(agent, 'step=1');
    const two = await save(agent, 'step=22');
    expect(two.commit.status).toBe(204);
    const keys = (await listAll(system.buckets.checkpoints, `${system.tenantId}/${jobId}/`)).map((o) => o.key);
    expect(keys).toEqual([two.key]);
    expect(keys).not.toContain(one.key);
    expect((await system.store.get(jobId))!.checkpoint).toMatchObject({ key: two.key, sizeBytes: 7 });
  });

  it('a superseded attempt can neither start nor commit a save (no roll-back by a zombie machine)', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, spec());
    const old = agentFor(system, jobId, attemptId);
    const start = await old.call('POST', '/v1/agent/checkpoint', { sizeBytes: 5 });
    expect(await putTo(start.body.url, 'stale')).toBe(200);
    await failOver(jobId);
    const late = await old.call('POST', '/v1/agent/checkpoint/commit', { key: start.body.key, sizeBytes: 5 });
    expect(late.status).toBe(409);
    expect(late.body.type).toContain('checkpoint-superseded');
    expect((await old.call('POST', '/v1/agent/checkpoint', { sizeBytes: 5 })).status).toBe(409);
    expect((await system.store.get(jobId))!.checkpoint).toBeUndefined();
    expect(await listAll(system.buckets.checkpoints, `${system.tenantId}/${jobId}/`)).toEqual([]);
  });

  it('refuses a commit of a key not handed to this attempt, or of the wrong size, and one over the cap', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, spec());
    const agent = agentFor(system, jobId, attemptId);
    const start = await agent.call('POST', '/v1/agent/checkpoint', { sizeBytes: 3 });
    expect((await agent.call('POST', '/v1/agent/checkpoint/commit', { key: start.body.key, sizeBytes: 3 })).status).toBe(400); // not uploaded
    expect(await putTo(start.body.url, 'abc')).toBe(200);
    expect((await agent.call('POST', '/v1/agent/checkpoint/commit', { key: start.body.key, sizeBytes: 4 })).status).toBe(400);
    const foreign = `${system.tenantId}/other-job/${attemptId}/x.tar.gz`;
    expect((await agent.call('POST', '/v1/agent/checkpoint/commit', { key: foreign, sizeBytes: 3 })).status).toBe(400);
    const big = await agent.call('POST', '/v1/agent/checkpoint', { sizeBytes: 5000 });
    expect(big.status).toBe(413);
    expect(big.body.detail).toContain('4096');
    expect((await system.store.get(jobId))!.checkpoint).toBeUndefined();
  });

  it('a forged or expired token is a 401 and writes nothing', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, spec());
    const good = agentFor(system, jobId, attemptId);
    const start = await good.call('POST', '/v1/agent/checkpoint', { sizeBytes: 2 });
    expect(await putTo(start.body.url, 'ok')).toBe(200);
    for (const bad of [agentFor(system, jobId, attemptId, { key: 'z'.repeat(64) }), agentFor(system, jobId, attemptId, { expiresAt: 1 })]) {
      expect((await bad.call('POST', '/v1/agent/checkpoint', { sizeBytes: 2 })).status).toBe(401);
      expect((await bad.call('POST', '/v1/agent/checkpoint/commit', { key: start.body.key, sizeBytes: 2 })).status).toBe(401);
      expect((await bad.call('GET', '/v1/agent/checkpoint')).status).toBe(401);
    }
    expect((await system.store.get(jobId))!.checkpoint).toBeUndefined();
  });
});
