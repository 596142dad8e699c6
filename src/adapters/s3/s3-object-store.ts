// ObjectStore on S3 (@aws-sdk/client-s3). The same adapter serves the stack's buckets in
// AWS and the embedded S3-compatible server in local mode (src/local/s3-local.ts).
//
// Checksums: the SDK (≥ 3.729) by default adds CRC32 checksums, and for streamed bodies
// sends aws-chunked uploads with trailing checksums, which S3-compatible servers that
// predate it (s3rver among them) store framing and all; presigned PUTs could also carry
// a checksum parameter the agent cannot satisfy. WHEN_REQUIRED sends a checksum only where
// an operation requires one, which S3 itself accepts everywhere. (Checked against s3rver:
// objects read back byte for byte, test/agent/s3-object-store.test.ts.)
//
// The SDK (client-s3 + the presigner, ~250 ms to load on Lambda) is imported on the first
// object call, not at module load: most api requests never touch a bucket, so a cold start
// does not pay for it (npm run bench:lambda).
import type { S3Client } from '@aws-sdk/client-s3';
import type { ByteRange, ObjectListPage, ObjectStore } from '../../core/object-store.js';

export interface S3Config {
  /** Set for a local S3-compatible server; unset in AWS. */
  endpoint?: string;
  region?: string;
  /** Local servers, or an assumed role's temporary credentials; in AWS the function's role signs otherwise. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

interface LoadedS3 {
  sdk: typeof import('@aws-sdk/client-s3');
  getSignedUrl: (typeof import('@aws-sdk/s3-request-presigner'))['getSignedUrl'];
  client: S3Client;
}

/** An S3 client made on first use; one per configuration, shared by the buckets on it. */
export class S3Connection {
  private loaded: Promise<LoadedS3> | undefined;
  private destroyed = false;

  constructor(private readonly config: S3Config = {}) {}

  load(): Promise<LoadedS3> {
    return (this.loaded ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]).then(([sdk, presigner]) => ({
      sdk,
      getSignedUrl: presigner.getSignedUrl,
      client: new sdk.S3Client({
        region: this.config.region ?? process.env.AWS_REGION ?? 'us-east-1',
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(this.config.endpoint ? { endpoint: this.config.endpoint, forcePathStyle: true } : {}),
        ...(this.config.credentials ? { credentials: this.config.credentials } : {}),
      }),
    })));
  }

  /** Closes the client's sockets, if it was ever made. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    void this.loaded?.then(({ client }) => client.destroy());
  }
}

export const createS3Client = (config: S3Config = {}): S3Connection => new S3Connection(config);

const isMissing = ({ sdk }: LoadedS3, error: unknown): boolean =>
  error instanceof sdk.NoSuchKey || (error instanceof sdk.S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404));

const rangeHeader = (range: ByteRange): string => `bytes=${range.start}-${range.end ?? ''}`;

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly connection: S3Connection,
    readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array | string, opts: { contentType?: string } = {}): Promise<void> {
    const { sdk, client } = await this.connection.load();
    await client.send(
      new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...(opts.contentType ? { ContentType: opts.contentType } : {}) }),
    );
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | undefined> {
    const s3 = await this.connection.load();
    try {
      const out = await s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: rangeHeader(range) } : {}) }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isMissing(s3, error)) return undefined;
      // A range past the end of the object: there are no bytes there.
      if (error instanceof s3.sdk.S3ServiceException && error.$metadata.httpStatusCode === 416) return new Uint8Array();
      throw error;
    }
  }

  async list(prefix: string, opts: { cursor?: string; limit?: number } = {}): Promise<ObjectListPage> {
    const { sdk, client } = await this.connection.load();
    const out = await client.send(
      new sdk.ListObjectsCommand({
        Bucket: this.bucket,
        Prefix: prefix,
        MaxKeys: opts.limit ?? 1000,
        // ListObjects (v1) with the last key as Marker: S3 supports it everywhere, while
        // s3rver cannot truncate a v2 listing (its continuation tokens use DES, which
        // OpenSSL 3 dropped).
        ...(opts.cursor ? { Marker: opts.cursor } : {}),
      }),
    );
    const items = (out.Contents ?? []).map((o) => ({
      key: o.Key ?? '',
      sizeBytes: o.Size ?? 0,
      etag: (o.ETag ?? '').replaceAll('"', ''),
      ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}),
    }));
    const last = items[items.length - 1];
    return out.IsTruncated && last ? { items, nextCursor: last.key } : { items };
  }

  async delete(key: string): Promise<void> {
    const { sdk, client } = await this.connection.load();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignPut(key: string, expiresSeconds: number, contentLength?: number): Promise<string> {
    // With a length, the signature covers it: the holder cannot upload more than it declared.
    const { sdk, client, getSignedUrl } = await this.connection.load();
    const command = new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, ...(contentLength !== undefined ? { ContentLength: contentLength } : {}) });
    return getSignedUrl(client, command, {
      expiresIn: expiresSeconds,
      ...(contentLength !== undefined ? { signableHeaders: new Set(['content-length']) } : {}),
    });
  }

  async presignGet(key: string, expiresSeconds: number): Promise<string> {
    const { sdk, client, getSignedUrl } = await this.connection.load();
    return getSignedUrl(client, new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresSeconds });
  }
}
