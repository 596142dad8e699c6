// What the run-time routes need beyond the agent's deps: where output manifests live and
// the size caps. Shared by the agent-facing routes (./agent-run-time.ts) and the job-facing
// outputs listing (./job-outputs.ts).
import type { Context } from 'hono';
import type { ObjectStore } from '../../core/object-store.js';
import type { OutputStore } from '../../core/outputs.js';
import { outputsBucketFor, type TenantBucketAccess, type TenantBucketAccessError, type TenantBucketSetting, type TenantBucketStore } from '../../core/tenant-bucket.js';
import { problem } from '../problem.js';
import type { AgentApiDeps } from './agent-deps.js';

export interface RunTimeApiDeps {
  outputs: OutputStore;
  /** Largest total of one attempt's declared outputs (OUTPUTS_MAX_BYTES). */
  maxOutputBytes: number;
  /** Largest checkpoint archive; one presigned PUT, so at most 5 GiB. */
  maxCheckpointBytes: number;
  /** Lifetime of the download URLs in GET /v1/jobs/{id}/outputs. */
  downloadUrlSeconds: number;
  /** Tenants' own outputs buckets (PUT /v1/tenant/outputs-bucket) and how to reach them (an assumed role); off when unset. */
  tenantBuckets?: { store: TenantBucketStore; access?: TenantBucketAccess };
}

/** The bucket a job's outputs go to or are read from: the tenant's (by its setting) or the stack's. */
export const outputsBucket = (agent: AgentApiDeps, runTime: RunTimeApiDeps, setting: TenantBucketSetting | undefined): Promise<ObjectStore> =>
  outputsBucketFor(agent.buckets.outputs, runTime.tenantBuckets?.access, setting);

/** A tenant's bucket we could not use (its role refused us): the tenant's to fix, so a 403 saying which role and why. */
export const tenantBucketDenied = (c: Context, error: TenantBucketAccessError, status: 403 | 422 = 403) =>
  problem(c, status, 'output-bucket-denied', 'Output bucket denied', `${error.message}. Check the role's trust policy (principal and sts:ExternalId) and its s3 permissions on the bucket.`, {
    bucket: error.setting.bucket,
    roleArn: error.setting.roleArn,
  });

export const DEFAULT_MAX_OUTPUT_BYTES = 50 * 1024 ** 3;
export const DEFAULT_MAX_CHECKPOINT_BYTES = 5 * 1024 ** 3;
export const DEFAULT_DOWNLOAD_URL_SECONDS = 15 * 60;
