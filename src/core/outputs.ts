// A job's outputs: the files its command left in the outputs folder, uploaded by the agent
// at exit to <outputs bucket>/<tenant>/<job>/<path>. Two steps, so that nothing is listed
// half-uploaded: the agent declares every file (sizes are checked against the cap before any
// URL is handed out), uploads through presigned PUTs, then commits; the commit checks each
// declared object is there with its declared size, and only then is the manifest listed.
import type { ObjectStore } from './object-store.js';
import { listAll } from './object-store.js';
import type { TenantBucketSetting } from './tenant-bucket.js';

export interface OutputFile {
  /** Relative to the outputs folder, "/"-separated. */
  path: string;
  sizeBytes: number;
  /** Hex SHA-256 as the agent computed it before upload. */
  sha256: string;
}

export interface OutputManifest {
  tenantId: string;
  jobId: string;
  attemptId: string;
  files: OutputFile[];
  declaredAt: string;
  /** Set when the commit found every file: from then on the outputs are listed. */
  committedAt?: string;
  /** The tenant's own bucket the files went to (its setting at declare time); the stack's outputs bucket when unset. */
  bucket?: TenantBucketSetting;
}

/** Where outputs were refused, so that the listing can say why it is empty. */
export interface OutputRefusal {
  attemptId: string;
  at: string;
  reason: string;
}

export interface OutputStore {
  putDeclared(manifest: OutputManifest): Promise<void>;
  declared(jobId: string, attemptId: string): Promise<OutputManifest | undefined>;
  /** The listed manifest: the latest committed one. */
  putCommitted(manifest: OutputManifest & { committedAt: string }): Promise<void>;
  committed(jobId: string): Promise<OutputManifest | undefined>;
  putRefusal(jobId: string, refusal: OutputRefusal): Promise<void>;
  refusal(jobId: string): Promise<OutputRefusal | undefined>;
}

export const OUTPUT_LIMITS = {
  files: 1000,
  pathChars: 1024,
  /** One presigned PUT is one S3 PutObject: at most 5 GiB. */
  fileBytes: 5 * 1024 ** 3,
} as const;

export const outputPrefix = (tenantId: string, jobId: string): string => `${tenantId}/${jobId}/`;
export const outputKey = (tenantId: string, jobId: string, path: string): string => `${outputPrefix(tenantId, jobId)}${path}`;

/** Why a relative output path is unusable, or undefined when it is fine. */
export const outputPathError = (path: string): string | undefined => {
  if (path.length === 0 || path.length > OUTPUT_LIMITS.pathChars) return `must be 1-${OUTPUT_LIMITS.pathChars} characters`;
  if (path.startsWith('/')) return 'must be relative to the outputs folder';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return 'must not contain control characters or backslashes';
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'must not have empty, "." or ".." segments';
  return undefined;
};

/** Declared files that are not in the bucket with their declared size (after the uploads). */
export const missingUploads = async (bucket: ObjectStore, manifest: OutputManifest): Promise<string[]> => {
  const present = new Map((await listAll(bucket, outputPrefix(manifest.tenantId, manifest.jobId))).map((o) => [o.key, o.sizeBytes]));
  return manifest.files
    .filter((f) => present.get(outputKey(manifest.tenantId, manifest.jobId, f.path)) !== f.sizeBytes)
    .map((f) => f.path);
};

/** Presigned URLs live as long as a transfer of this size needs at a modest 5 MB/s, within [2, 60] minutes. */
export const transferSeconds = (sizeBytes: number): number => Math.min(3600, 120 + Math.ceil(sizeBytes / (5 * 1024 * 1024)));
