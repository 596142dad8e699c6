// Job logs: the agent's stdout/stderr chunks, stored one object per chunk in the logs
// bucket under <tenant>/<job>/<attempt>/<offset, 15 digits>, and read back in order across
// every attempt of a job. Chunks are idempotent by offset (a resend overwrites the same
// bytes, maybe more of them), so a reader skips what overlaps what it already has.
import type { Attempt, Job } from './job.js';
import { LIVE_ATTEMPT_STATUSES, isTerminal } from './job.js';
import { listAll, type ObjectStore, type StoredObject } from './object-store.js';

const OFFSET_DIGITS = 15;
/** Largest byte offset the agent may write at (≈ 1 PB; keys stay fixed-width). */
export const MAX_LOG_OFFSET = 10 ** OFFSET_DIGITS - 1;

export const logPrefix = (tenantId: string, jobId: string, attemptId?: string): string =>
  `${tenantId}/${jobId}/${attemptId ? `${attemptId}/` : ''}`;

export const logChunkKey = (tenantId: string, jobId: string, attemptId: string, offset: number): string =>
  `${logPrefix(tenantId, jobId, attemptId)}${String(offset).padStart(OFFSET_DIGITS, '0')}`;

export interface LogChunkRef {
  offset: number;
  sizeBytes: number;
  key: string;
}

export const chunksOf = (objects: StoredObject[]): LogChunkRef[] =>
  objects
    .map((o) => ({ key: o.key, sizeBytes: o.sizeBytes, offset: Number(o.key.slice(o.key.lastIndexOf('/') + 1)) }))
    .filter((c) => Number.isSafeInteger(c.offset))
    .sort((a, b) => a.offset - b.offset);

/** A position in a job's logs: an attempt and a byte offset in its output. */
export interface LogCursor {
  attemptId: string;
  offset: number;
}

export class InvalidLogCursorError extends Error {}

export const formatLogCursor = (c: LogCursor): string => `${c.attemptId}:${c.offset}`;

/** The cursor of a job whose logs have not begun (no attempt yet). */
export const START_CURSOR = 'start';

export const parseLogCursor = (job: Job, text: string): LogCursor | undefined => {
  if (text === START_CURSOR) return undefined;
  const colon = text.lastIndexOf(':');
  const attemptId = text.slice(0, colon);
  const offset = Number(text.slice(colon + 1));
  if (colon <= 0 || !/^\d{1,15}$/.test(text.slice(colon + 1)) || !job.attempts.some((a) => a.id === attemptId)) {
    throw new InvalidLogCursorError('the cursor is not one this job\'s logs returned ("<attemptId>:<byte offset>")');
  }
  return { attemptId, offset };
};

export interface LogPiece {
  attemptId: string;
  /** Byte offset of the first byte of `text` in the attempt's output. */
  offset: number;
  sizeBytes: number;
  text: string;
}

export interface LogPage {
  items: LogPiece[];
  /** Where to continue. Absent when the job is finished and everything has been read. */
  nextCursor?: string;
  /** More bytes are available right now (the page was cut at `limitBytes`). */
  more: boolean;
}

/** Where a complete UTF-8 character sequence ends in `bytes` (drops a cut trailing character). */
export const utf8CompleteLength = (bytes: Uint8Array): number => {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
};

const attemptComplete = (job: Job, attempt: Attempt): boolean => !LIVE_ATTEMPT_STATUSES.has(attempt.status) || isTerminal(job.status);

/**
 * Read up to `limitBytes` of a job's logs after `cursor` (from the first attempt's first
 * byte when unset), crossing into later attempts once an attempt is over. `attemptId`
 * restricts the read to that attempt.
 */
export const readLogs = async (
  bucket: ObjectStore,
  job: Job,
  opts: { cursor?: LogCursor; attemptId?: string; limitBytes: number },
): Promise<LogPage> => {
  const attempts = opts.attemptId ? job.attempts.filter((a) => a.id === opts.attemptId) : job.attempts;
  let index = opts.cursor ? Math.max(0, attempts.findIndex((a) => a.id === opts.cursor!.attemptId)) : 0;
  let offset = opts.cursor && attempts[index]?.id === opts.cursor.attemptId ? opts.cursor.offset : 0;
  let budget = opts.limitBytes;
  const items: LogPiece[] = [];
  while (index < attempts.length) {
    const attempt = attempts[index]!;
    const complete = attemptComplete(job, attempt);
    const chunks = chunksOf(await listAll(bucket, logPrefix(job.tenantId, job.id, attempt.id)));
    const parts: Uint8Array[] = [];
    let end = offset;
    for (const chunk of chunks) {
      if (budget <= 0) break;
      if (chunk.offset + chunk.sizeBytes <= end) continue; // already read
      if (chunk.offset > end) break; // a gap: wait for the bytes in between
      const bytes = await bucket.get(chunk.key);
      if (!bytes) break;
      const from = end - chunk.offset;
      const take = bytes.subarray(from, Math.min(bytes.length, from + budget));
      parts.push(take);
      end += take.length;
      budget -= take.length;
    }
    const all = Buffer.concat(parts);
    const cutAtLimit = budget <= 0;
    const usable = complete && !cutAtLimit ? all.length : utf8CompleteLength(all);
    if (usable > 0) items.push({ attemptId: attempt.id, offset, sizeBytes: usable, text: all.subarray(0, usable).toString('utf8') });
    offset += usable;
    if (cutAtLimit || !complete) return { items, nextCursor: formatLogCursor({ attemptId: attempt.id, offset }), more: cutAtLimit };
    if (index === attempts.length - 1) break;
    index++;
    offset = 0;
  }
  const last = attempts[attempts.length - 1];
  if (isTerminal(job.status)) return { items, more: false };
  if (!last) return { items, nextCursor: START_CURSOR, more: false };
  return { items, nextCursor: formatLogCursor({ attemptId: last.id, offset }), more: false };
};

/** The last `maxBytes` of an attempt's shipped output (whole characters), or undefined when it shipped none. */
export const tailOfLogs = async (bucket: ObjectStore, job: Job, attemptId: string, maxBytes: number): Promise<string | undefined> => {
  const chunks = chunksOf(await listAll(bucket, logPrefix(job.tenantId, job.id, attemptId)));
  if (chunks.length === 0) return undefined;
  const parts: Uint8Array[] = [];
  let have = 0;
  let start = Number.POSITIVE_INFINITY; // bytes before this offset are already in `parts`
  for (const chunk of [...chunks].reverse()) {
    if (have >= maxBytes) break;
    const end = Math.min(chunk.offset + chunk.sizeBytes, start);
    if (end <= chunk.offset) continue;
    const bytes = await bucket.get(chunk.key);
    if (!bytes) continue;
    parts.unshift(bytes.subarray(0, end - chunk.offset));
    have += end - chunk.offset;
    start = chunk.offset;
  }
  const all = Buffer.concat(parts);
  let from = Math.max(0, all.length - maxBytes);
  while (from < all.length && (all[from]! & 0xc0) === 0x80) from++; // start on a character
  return all.subarray(from).toString('utf8');
};
