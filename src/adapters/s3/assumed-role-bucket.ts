// TenantBucketAccess on STS + S3: assumes the tenant's role (AssumeRole with its external id,
// for 15 minutes, the shortest STS allows) and signs the tenant bucket's requests and
// presigned URLs with those temporary credentials. Credentials are cached per setting until
// 5 minutes before they expire, so a presigned URL (≤ 60 min) may outlive them: S3 then
// refuses it, as it would any URL signed by expired credentials — the agent asks again.
// Denials (AccessDenied, an unknown role, a wrong external id) become TenantBucketAccessError.
// The STS client loads on the first tenant-bucket call: most requests never need it.
import type { STSClient } from '@aws-sdk/client-sts';
import type { ObjectStore } from '../../core/object-store.js';
import { TenantBucketAccessError, type TenantBucketAccess, type TenantBucketSetting } from '../../core/tenant-bucket.js';
import { createS3Client, S3ObjectStore } from './s3-object-store.js';

export interface AssumedRoleBucketConfig {
  /** A local STS (local mode's fake); AWS's regional STS when unset. */
  stsEndpoint?: string;
  /** A local S3-compatible server; AWS S3 when unset. */
  s3Endpoint?: string;
  /** The broker's own credentials for STS (local mode only; in AWS the function's role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
  now?: () => number;
}

const SESSION_SECONDS = 900;
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

interface Cached {
  store: S3ObjectStore;
  expiresAt: number;
}

const settingKey = (s: TenantBucketSetting): string => JSON.stringify([s.bucket, s.region, s.roleArn, s.externalId]);

export class AssumedRoleBucketAccess implements TenantBucketAccess {
  private sts: Promise<{ sdk: typeof import('@aws-sdk/client-sts'); client: STSClient }> | undefined;
  private readonly cache = new Map<string, Cached>();
  private readonly now: () => number;

  constructor(private readonly config: AssumedRoleBucketConfig = {}) {
    this.now = config.now ?? Date.now;
  }

  private loadSts() {
    const config = this.config;
    return (this.sts ??= import('@aws-sdk/client-sts').then((sdk) => ({
      sdk,
      client: new sdk.STSClient({
        region: config.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(config.stsEndpoint ? { endpoint: config.stsEndpoint } : {}),
        ...(config.credentials ? { credentials: config.credentials } : {}),
      }),
    })));
  }

  async open(setting: TenantBucketSetting): Promise<ObjectStore> {
    const key = settingKey(setting);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > this.now()) return cached.store;
    const sts = await this.loadSts();
    let out;
    try {
      out = await sts.client.send(
        new sts.sdk.AssumeRoleCommand({ RoleArn: setting.roleArn, ExternalId: setting.externalId, RoleSessionName: 'switchyard-outputs', DurationSeconds: SESSION_SECONDS }),
      );
    } catch (error) {
      // A refusal from STS is the tenant's to fix; anything else (network) stays an error of ours.
      if (error instanceof sts.sdk.STSServiceException && (error.$metadata.httpStatusCode ?? 500) < 500) throw new TenantBucketAccessError(setting, `STS AssumeRole refused: ${error.name}`);
      throw error;
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new TenantBucketAccessError(setting, 'STS AssumeRole returned no credentials');
    const client = createS3Client({
      region: setting.region,
      ...(this.config.s3Endpoint ? { endpoint: this.config.s3Endpoint } : {}),
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    const store = new S3ObjectStore(client, setting.bucket);
    this.cache.set(key, { store, expiresAt: c.Expiration?.getTime() ?? this.now() + SESSION_SECONDS * 1000 });
    return store;
  }
}
