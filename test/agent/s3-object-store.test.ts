// The S3 adapter against a real embedded S3-compatible server (s3rver).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll } from '../../src/core/object-store.js';
import type { LocalS3 } from '../../src/local/s3-local.js';
import { startTestS3 } from '../support/s3.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3?.stop();
});

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

describe('S3ObjectStore', () => {
  it('stores the exact bytes it was given (no checksum framing in the object)', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 10, 13]);
    await s3.buckets.logs.put('exact/bin', bytes);
    expect(Buffer.from((await s3.buckets.logs.get('exact/bin'))!)).toEqual(Buffer.from(bytes));
  });

  it('reads a byte range, and nothing for a missing key', async () => {
    await s3.buckets.logs.put('range/a', 'hello world');
    expect(text(await s3.buckets.logs.get('range/a', { start: 6 }))).toBe('world');
    expect(text(await s3.buckets.logs.get('range/a', { start: 0, end: 4 }))).toBe('hello');
    expect(await s3.buckets.logs.get('range/missing')).toBeUndefined();
  });

  it('lists a prefix in key order with sizes and etags, across pages', async () => {
    for (const k of ['c', 'a', 'b']) await s3.buckets.outputs.put(`list/${k}`, k.repeat(3));
    await s3.buckets.outputs.put('other/x', 'x');
    const page = await s3.buckets.outputs.list('list/', { limit: 2 });
    expect(page.items.map((i) => i.key)).toEqual(['list/a', 'list/b']);
    expect(page.nextCursor).toBeDefined();
    const all = await listAll(s3.buckets.outputs, 'list/');
    expect(all.map((i) => [i.key, i.sizeBytes])).toEqual([
      ['list/a', 3],
      ['list/b', 3],
      ['list/c', 3],
    ]);
    expect(all[0]!.etag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('deletes, and deleting a missing key is fine', async () => {
    await s3.buckets.checkpoints.put('del/x', 'x');
    await s3.buckets.checkpoints.delete('del/x');
    await s3.buckets.checkpoints.delete('del/never');
    expect(await s3.buckets.checkpoints.get('del/x')).toBeUndefined();
  });

  it('presigned PUT and GET work with a plain HTTP client and no credentials', async () => {
    const put = await s3.buckets.checkpoints.presignPut('presigned/ckpt.tar.gz', 60, 5);
    expect((await fetch(put, { method: 'PUT', body: 'abcde' })).status).toBe(200);
    const get = await fetch(await s3.buckets.checkpoints.presignGet('presigned/ckpt.tar.gz', 60));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('abcde');
  });
});
