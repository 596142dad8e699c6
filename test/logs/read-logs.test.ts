// Reading logs back from the bucket: order across attempts, overlapping resends, gaps,
// paging by bytes without splitting a character, and the output tail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/job.js';
import { logChunkKey, parseLogCursor, readLogs, tailOfLogs, type LogCursor } from '../../src/core/logs.js';
import type { LocalS3 } from '../../src/local/s3-local.js';
import { startTestS3 } from '../support/s3.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => s3?.stop());

let n = 0;
const jobWith = (statuses: Job['attempts'][number]['status'][], status: Job['status'] = 'running'): Job => {
  const id = `job_logs${++n}`;
  return {
    id,
    tenantId: 't1',
    status,
    version: 1,
    spec: {} as Job['spec'],
    attempts: statuses.map((s, i) => ({ id: `${id}-a${i + 1}`, provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: s, createdAt: '' })),
    createdAt: '',
    updatedAt: '',
    eventSeq: 1,
  };
};
const put = (job: Job, attempt: number, offset: number, text: string) =>
  s3.buckets.logs.put(logChunkKey(job.tenantId, job.id, job.attempts[attempt]!.id, offset), Buffer.from(text));

const readAll = async (job: Job, limitBytes: number): Promise<{ text: string; pages: number; last?: string }> => {
  let cursor: LogCursor | undefined;
  let text = '';
  let pages = 0;
  for (;;) {
    const page = await readLogs(s3.buckets.logs, job, { limitBytes, ...(cursor ? { cursor } : {}) });
    pages++;
    text += page.items.map((i) => i.text).join('');
    if (!page.nextCursor || (!page.more && page.items.length === 0)) return { text, pages, ...(page.nextCursor ? { last: page.nextCursor } : {}) };
    cursor = parseLogCursor(job, page.nextCursor);
    if (pages > 1000) throw new Error('no progress');
  }
};

describe('readLogs', () => {
  it('reads every attempt in order, skipping bytes a resend repeated', async () => {
    const job = jobWith(['failed', 'succeeded'], 'succeeded');
    await put(job, 0, 0, 'first ');
    await put(job, 0, 3, 'st attempt\n'); // overlaps the first chunk: a resend with more bytes
    await put(job, 1, 0, 'second\n');
    const page = await readLogs(s3.buckets.logs, job, { limitBytes: 1000 });
    expect(page.items.map((i) => [i.attemptId, i.offset, i.text])).toEqual([
      [job.attempts[0]!.id, 0, 'first attempt\n'],
      [job.attempts[1]!.id, 0, 'second\n'],
    ]);
    expect(page.nextCursor).toBeUndefined(); // the job ended and everything was read
  });

  it('pages by bytes without splitting a UTF-8 character, and the pages add up', async () => {
    const job = jobWith(['succeeded'], 'succeeded');
    const text = 'héllo wörld — ünïcode ✓ done\n';
    await put(job, 0, 0, text.slice(0, 7));
    await put(job, 0, Buffer.byteLength(text.slice(0, 7)), text.slice(7));
    const { text: read, pages } = await readAll(job, 3);
    expect(read).toBe(text);
    expect(pages).toBeGreaterThan(5);
  });

  it('stops at a gap while the attempt runs, and keeps a cursor to come back to', async () => {
    const job = jobWith(['running']);
    await put(job, 0, 0, 'abc');
    await put(job, 0, 10, 'later');
    const page = await readLogs(s3.buckets.logs, job, { limitBytes: 100 });
    expect(page.items.map((i) => i.text)).toEqual(['abc']);
    expect(page.nextCursor).toBe(`${job.attempts[0]!.id}:3`);
  });

  it('restricts to one attempt when asked', async () => {
    const job = jobWith(['failed', 'running']);
    await put(job, 0, 0, 'one');
    await put(job, 1, 0, 'two');
    const page = await readLogs(s3.buckets.logs, job, { limitBytes: 100, attemptId: job.attempts[1]!.id });
    expect(page.items.map((i) => i.text)).toEqual(['two']);
  });

  it('refuses cursors it did not make', () => {
    const job = jobWith(['running']);
    for (const bad of ['x', `${job.attempts[0]!.id}:-1`, 'other-a1:0', `${job.attempts[0]!.id}:1e3`, ':5']) {
      expect(() => parseLogCursor(job, bad)).toThrow(/cursor/);
    }
    expect(parseLogCursor(job, 'start')).toBeUndefined();
  });

  it('gives the tail of the shipped output on whole characters', async () => {
    const job = jobWith(['timed_out'], 'timed_out');
    await put(job, 0, 0, 'aaaa');
    await put(job, 0, 4, 'bbbé');
    expect(await tailOfLogs(s3.buckets.logs, job, job.attempts[0]!.id, 4)).toBe('bbé');
    expect(await tailOfLogs(s3.buckets.logs, job, job.attempts[0]!.id, 1)).toBe(''); // half a character is left out
    expect(await tailOfLogs(s3.buckets.logs, job, job.attempts[0]!.id, 100)).toBe('aaaabbbé');
    expect(await tailOfLogs(s3.buckets.logs, jobWith(['failed']), 'none', 100)).toBeUndefined();
  });
});
