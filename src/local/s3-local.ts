// The embedded S3-compatible server of local mode (s3rver), on 127.0.0.1 with the three
// run-time buckets. Everything talks to it through the real S3 client
// (src/adapters/s3/s3-object-store.ts), exactly as in AWS.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { createS3Client, S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import type { RuntimeBuckets } from '../core/object-store.js';

export const LOCAL_BUCKETS = { logs: 'switchyard-logs', outputs: 'switchyard-outputs', checkpoints: 'switchyard-checkpoints' } as const;
/** A second bucket standing in for a tenant's own (PUT /v1/outputs-bucket, reached through the local STS). */
export const LOCAL_TENANT_BUCKET = 'switchyard-tenant-outputs';

/** s3rver accepts any key pair; these only make the client sign. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  buckets: RuntimeBuckets;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  /** Keep objects under `<dataDir>/s3`; a temporary folder (removed at stop) when unset. */
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export const startLocalS3 = async (options: LocalS3Options = {}): Promise<LocalS3> => {
  const temporary = options.dataDir === undefined;
  const directory = options.dataDir ? join(options.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'switchyard-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [...Object.values(LOCAL_BUCKETS), LOCAL_TENANT_BUCKET].map((name) => ({ name })),
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = createS3Client({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  return {
    endpoint,
    buckets: {
      logs: new S3ObjectStore(client, LOCAL_BUCKETS.logs),
      outputs: new S3ObjectStore(client, LOCAL_BUCKETS.outputs),
      checkpoints: new S3ObjectStore(client, LOCAL_BUCKETS.checkpoints),
    },
    stop: async () => {
      client.destroy();
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
};
