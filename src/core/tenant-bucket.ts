// Outputs to the tenant's own bucket, through a role the tenant grants: the setting
// (bucket, region, roleArn, externalId), its validation, and the port that hands out an
// ObjectStore for a tenant's outputs. The broker never holds the tenant's keys: the adapter
// assumes the role (STS AssumeRole with the external id) and presigns with the temporary
// credentials. The external id must carry the tenant's id (`switchyard-<tenant>-…`), so one
// tenant cannot name another tenant's role and have the broker assume it (confused deputy);
// the stack's policy lets the broker assume roles only with such an external id.
import type { ObjectStore } from './object-store.js';

export interface TenantBucketSetting {
  bucket: string;
  region: string;
  roleArn: string;
  externalId: string;
}

export const externalIdPrefix = (tenantId: string): string => `switchyard-${tenantId}-`;

/** Field → why it is unusable; empty when the setting is fine. Names follow S3, IAM and STS rules. */
export const tenantBucketErrors = (tenantId: string, s: TenantBucketSetting): Record<string, string> => {
  const errors: Record<string, string> = {};
  // S3 bucket naming: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit, no "..", not an IP address.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket) || s.bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(s.bucket)) {
    errors.bucket = 'must be an S3 bucket name: 3-63 characters of a-z, 0-9, "." and "-", starting and ending with a letter or digit';
  }
  if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(s.region)) errors.region = 'must be an AWS region such as eu-west-1';
  // An IAM role ARN (the aws, aws-cn or aws-us-gov partition): arn:aws:iam::<12 digits>:role/<path/name>.
  if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(s.roleArn)) errors.roleArn = 'must be an IAM role ARN: arn:aws:iam::<account>:role/<name>';
  // STS ExternalId: 2-1224 characters of [\w+=,.@:/-].
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(s.externalId)) errors.externalId = 'must be 2-1224 characters of letters, digits and +=,.@:/-_';
  else if (!s.externalId.startsWith(externalIdPrefix(tenantId)) || s.externalId.length < externalIdPrefix(tenantId).length + 8) {
    errors.externalId = `must start with "${externalIdPrefix(tenantId)}" followed by at least 8 characters of your choosing`;
  }
  return errors;
};

export interface TenantBucketStore {
  get(tenantId: string): Promise<TenantBucketSetting | undefined>;
  put(tenantId: string, setting: TenantBucketSetting): Promise<void>;
  delete(tenantId: string): Promise<void>;
}

/** The tenant's role could not be assumed (denied, unknown, wrong external id), or its bucket refused us. */
export class TenantBucketAccessError extends Error {
  constructor(readonly setting: Pick<TenantBucketSetting, 'bucket' | 'roleArn'>, readonly why: string) {
    super(`could not use the tenant's bucket ${setting.bucket} through role ${setting.roleArn}: ${why}`);
  }
}

/** An ObjectStore on the tenant's bucket, signed with credentials of the assumed role; throws TenantBucketAccessError. */
export interface TenantBucketAccess {
  open(setting: TenantBucketSetting): Promise<ObjectStore>;
}

/** Where a job's outputs go: the tenant's bucket when a setting was recorded, else the stack's outputs bucket. */
export const outputsBucketFor = async (
  defaults: ObjectStore,
  access: TenantBucketAccess | undefined,
  setting: TenantBucketSetting | undefined,
): Promise<ObjectStore> => {
  if (!setting) return defaults;
  if (!access) throw new TenantBucketAccessError(setting, 'this deployment cannot assume tenant roles');
  return access.open(setting);
};
