// Outputs to the tenant's own bucket through a role it grants, in local mode: the setting is
// validated and the role assumed (the real STS client against the local STS fake on
// 127.0.0.1) before it is stored; then outputs are uploaded to and listed from the second
// bucket of the embedded S3 server with the assumed role's temporary credentials. A denied
// role is a clear 4xx (422 at PUT, 403 at declare and listing) with the attempt's refusal
// reason in the listing, never a 5xx.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, S3ObjectStore } from '../../src/adapters/s3/s3-object-store.js';
import { DynamoTenantBucketStore } from '../../src/adapters/dynamodb/tenant-bucket-store.js';
import { DynamoOutputStore } from '../../src/adapters/dynamodb/output-store.js';
import { listAll } from '../../src/core/object-store.js';
import { LOCAL_CREDENTIALS, LOCAL_TENANT_BUCKET } from '../../src/local/s3-local.js';
import { localTenantRole, type RunningSystem } from '../../src/local/system.js';
import { agentFor, putTo, submitAndPlace } from '../support/agent-client.js';
import { sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let system: RunningSystem;
let tenantBucket: S3ObjectStore;
beforeAll(async () => {
  system = await startTestSystem({ providers: [sim({ name: 'sim-own', runTimeMs: 600_000 })] });
  tenantBucket = new S3ObjectStore(createS3Client({ endpoint: system.s3Endpoint!, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), LOCAL_TENANT_BUCKET);
});
afterAll(() => system.stop());

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const role = () => localTenantRole(system.tenantId);
const setting = () => {
  const { bucket, region, roleArn, externalId } = role();
  return { bucket, region, roleArn, externalId };
};

/** Declares, uploads and commits one file as the job's agent; returns the declare answer. */
const uploadOutputs = async (body: string) => {
  const { jobId, attemptId } = await submitAndPlace(system, simJob({ outputs: { path: '/outputs' } }));
  const agent = agentFor(system, jobId, attemptId);
  const declared = await agent.call('POST', '/v1/agent/outputs', { files: [{ path: 'model.bin', sizeBytes: Buffer.byteLength(body), sha256: sha(body) }] });
  if (declared.status === 200) {
    expect(await putTo(declared.body.uploads[0].url, body)).toBe(200);
    expect((await agent.call('POST', '/v1/agent/outputs/commit')).status).toBe(204);
  }
  return { jobId, attemptId, declared };
};

describe("outputs in the tenant's own bucket", () => {
  it('validates the setting: each bad field named, and an external id not carrying this tenant refused', async () => {
    const bad = await api(system, 'PUT', '/v1/outputs-bucket', { body: { bucket: 'No_Such..Bucket', region: 'mars', roleArn: 'arn:aws:iam::12:user/x', externalId: 'switchyard-othertenant-12345678' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['bucket', 'externalId', 'region', 'roleArn']);
    expect(JSON.stringify(bad.body)).toContain(`switchyard-${system.tenantId}-`);
    expect((await api(system, 'PUT', '/v1/outputs-bucket', { body: { ...setting(), extra: 1 } })).status).toBe(400);
    expect((await api(system, 'GET', '/v1/outputs-bucket')).status).toBe(404);
  });

  it('refuses a role it cannot assume (wrong external id) with a 422 naming the role, and stores nothing', async () => {
    const denied = await api(system, 'PUT', '/v1/outputs-bucket', { body: { ...setting(), externalId: `switchyard-${system.tenantId}-not-the-one` } });
    expect(denied.status).toBe(422);
    expect(denied.body).toMatchObject({ type: expect.stringContaining('output-bucket-denied'), roleArn: role().roleArn });
    expect(denied.body.detail).toContain('AccessDenied');
    expect((await api(system, 'GET', '/v1/outputs-bucket')).status).toBe(404);
  });

  it('uploads to and lists from the tenant bucket with the assumed role, and keeps earlier outputs where they went', async () => {
    const before = await uploadOutputs('in the stack bucket');
    // The README's local-mode example sets exactly this.
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(`-d '${JSON.stringify(setting())}'`);
    const put = await api(system, 'PUT', '/v1/outputs-bucket', { body: setting() });
    expect(put.status).toBe(200);
    expect((await api(system, 'GET', '/v1/outputs-bucket')).body).toEqual(setting());
    const calls = system.localSts!.calls.filter((c) => c.allowed);
    expect(calls.at(-1)).toMatchObject({ roleArn: role().roleArn, externalId: role().externalId });

    const own = await uploadOutputs('weights in my bucket');
    expect(own.declared.status).toBe(200);
    const url = new URL(own.declared.body.uploads[0].url);
    expect(url.pathname.startsWith(`/${LOCAL_TENANT_BUCKET}/`)).toBe(true);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBeTruthy(); // signed by the assumed role's session
    const listed = await api(system, 'GET', `/v1/jobs/${own.jobId}/outputs`);
    expect(listed.body).toMatchObject({ status: 'listed', items: [{ path: 'model.bin' }] });
    expect(await (await fetch(listed.body.items[0].url)).text()).toBe('weights in my bucket');
    expect((await listAll(tenantBucket, `${system.tenantId}/${own.jobId}/`)).map((o) => o.key)).toEqual([`${system.tenantId}/${own.jobId}/model.bin`]);
    expect(await listAll(system.buckets.outputs, `${system.tenantId}/${own.jobId}/`)).toEqual([]);
    // The job listed before the setting still lists from the stack's bucket.
    const old = await api(system, 'GET', `/v1/jobs/${before.jobId}/outputs`);
    expect(new URL(old.body.items[0].url).pathname.startsWith('/switchyard-outputs/')).toBe(true);
    expect(await (await fetch(old.body.items[0].url)).text()).toBe('in the stack bucket');
    expect((await api(system, 'DELETE', '/v1/outputs-bucket')).status).toBe(204);
    expect((await api(system, 'GET', '/v1/outputs-bucket')).status).toBe(404);
  });

  it('a role that stopped trusting us: the declare is a 403, the listing says why (no 5xx), an old listing is a 403', async () => {
    // The tenant's setting names a role the STS will not let us assume (its trust policy changed).
    const revoked = { ...setting(), roleArn: 'arn:aws:iam::000000000000:role/switchyard-revoked' };
    await new DynamoTenantBucketStore(system.db, system.tableName).put(system.tenantId, revoked);
    const { jobId, attemptId, declared } = await uploadOutputs('never uploaded');
    expect(declared.status).toBe(403);
    expect(declared.body.detail).toContain('switchyard-revoked');
    const listing = await api(system, 'GET', `/v1/jobs/${jobId}/outputs`);
    expect(listing.status).toBe(200);
    expect(listing.body).toMatchObject({ status: 'refused', attemptId, items: [] });
    expect(listing.body.reason).toContain('AccessDenied');
    // Outputs listed earlier in a bucket whose role is now denied: a 403 naming the role.
    const outputs = new DynamoOutputStore(system.db, system.tableName);
    await outputs.putCommitted({ tenantId: system.tenantId, jobId, attemptId, files: [{ path: 'a', sizeBytes: 1, sha256: sha('a') }], declaredAt: new Date().toISOString(), committedAt: new Date().toISOString(), bucket: revoked });
    const denied = await api(system, 'GET', `/v1/jobs/${jobId}/outputs`);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ roleArn: revoked.roleArn, bucket: LOCAL_TENANT_BUCKET });
    await new DynamoTenantBucketStore(system.db, system.tableName).delete(system.tenantId);
  });
});
