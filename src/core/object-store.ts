// The ObjectStore port: what the core needs of a bucket (logs, outputs, checkpoints).
// In AWS it is S3; in local mode an embedded S3-compatible server reached through the
// same S3 client (src/adapters/s3/s3-object-store.ts), so one code path runs in both.
// No SDK types here.

export interface StoredObject {
  key: string;
  sizeBytes: number;
  /** The store's entity tag, without quotes. */
  etag: string;
  lastModified?: string;
}

export interface ObjectListPage {
  items: StoredObject[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive; to the end when unset. */
  end?: number;
}

export interface ObjectStore {
  /** The bucket's name (for messages and for infra; never a credential). */
  readonly bucket: string;
  put(key: string, body: Uint8Array | string, opts?: { contentType?: string }): Promise<void>;
  /** The object's bytes (or a range of them), or undefined when there is no such key. */
  get(key: string, range?: ByteRange): Promise<Uint8Array | undefined>;
  /** Keys under `prefix` in lexicographic order, one page (up to `limit`, default 1000). */
  list(prefix: string, opts?: { cursor?: string; limit?: number }): Promise<ObjectListPage>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A URL anyone holding it may PUT this key to until it expires (the agent uses it; no credentials). */
  presignPut(key: string, expiresSeconds: number, contentLength?: number): Promise<string>;
  /** A URL anyone holding it may GET this key from until it expires. */
  presignGet(key: string, expiresSeconds: number): Promise<string>;
}

/** The three buckets of the run-time contract. */
export interface RuntimeBuckets {
  logs: ObjectStore;
  outputs: ObjectStore;
  checkpoints: ObjectStore;
}

/** Every key under a prefix, across pages. */
export const listAll = async (store: ObjectStore, prefix: string): Promise<StoredObject[]> => {
  const all: StoredObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, cursor ? { cursor } : {});
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
};
