// Server-side redaction of secret values in the agent's log chunks, before they are stored.
// Each occurrence is masked with as many "*" as it has bytes, so chunk offsets (which the
// agent and the log readers count in bytes of the original output) stay exact. A value split
// across two chunks is caught by holding back: a chunk that ends with the start of a secret is
// stored only up to that start, and the agent (told the next offset) sends those bytes again
// with what follows. The last chunk (`final`, after the command exited) is stored whole, with a
// trailing start of a secret of 4 bytes or more masked too.
import type { Job } from '../core/job.js';
import type { SecretsService } from './secrets-service.js';

const MIN_MASKED_BYTES = 4;
const CACHE_MS = 60_000;

const needlesOf = (values: string[]) =>
  [...new Set(values)]
    .map((v) => Buffer.from(v, 'utf8'))
    .filter((b) => b.length >= MIN_MASKED_BYTES)
    .sort((a, b) => b.length - a.length);

export const maskValues = (bytes: Uint8Array, values: string[]): Uint8Array => {
  const needles = needlesOf(values);
  if (needles.length === 0) return bytes;
  const out = Buffer.from(bytes);
  for (const needle of needles) {
    for (let at = out.indexOf(needle); at >= 0; at = out.indexOf(needle, at + needle.length)) out.fill(0x2a, at, at + needle.length);
  }
  return out;
};

/** Bytes at the end of `bytes` that are the first bytes of a secret (a proper prefix of it), 0 if none. */
const trailingSecretStart = (bytes: Buffer, needles: Buffer[]): number => {
  let longest = 0;
  for (const needle of needles) {
    for (let n = Math.min(needle.length - 1, bytes.length); n > longest; n--) {
      if (bytes.subarray(bytes.length - n).equals(needle.subarray(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
};

export interface MaskedChunk {
  /** What to store: the masked chunk, without a held-back tail. */
  bytes: Uint8Array;
  /** Bytes of the chunk taken (≤ its length); the agent resends the rest. */
  accepted: number;
}

/** Masks a log chunk and holds back a tail that may be the start of a secret split across chunks. */
export const maskChunk = (bytes: Uint8Array, values: string[], final: boolean): MaskedChunk => {
  const needles = needlesOf(values);
  if (needles.length === 0) return { bytes, accepted: bytes.length };
  const masked = Buffer.from(maskValues(bytes, values));
  const tail = trailingSecretStart(masked, needles);
  if (!final) return { bytes: masked.subarray(0, masked.length - tail), accepted: masked.length - tail };
  if (tail >= MIN_MASKED_BYTES) masked.fill(0x2a, masked.length - tail);
  return { bytes: masked, accepted: masked.length };
};

/** A redactor for one tenant's job: the values of the job's secret refs, cached briefly per job. */
export const logRedactor = (secrets: SecretsService, now: () => number = Date.now) => {
  const cache = new Map<string, { values: string[]; until: number }>();
  return async (tenantId: string, jobId: string, refs: Record<string, string> | undefined, bytes: Uint8Array, final: boolean): Promise<MaskedChunk> => {
    if (!refs || Object.keys(refs).length === 0) return { bytes, accepted: bytes.length };
    let hit = cache.get(jobId);
    if (!hit || hit.until < now()) {
      // A deleted secret can no longer be resolved; redact what still can be.
      const values = await Promise.all(Object.values(refs).map((name) => secrets.value(tenantId, name).catch(() => undefined)));
      hit = { values: values.filter((v): v is string => v !== undefined), until: now() + CACHE_MS };
      cache.set(jobId, hit);
      if (cache.size > 1000) cache.delete(cache.keys().next().value!);
    }
    return maskChunk(bytes, hit.values, final);
  };
};

/** The same masking for a whole text the job left (an output tail): nothing to hold back. */
export const textRedactor =
  (redact: ReturnType<typeof logRedactor>) =>
  async (job: Pick<Job, 'tenantId' | 'id' | 'spec'>, text: string): Promise<string> =>
    Buffer.from((await redact(job.tenantId, job.id, job.spec.secrets, Buffer.from(text, 'utf8'), true)).bytes).toString('utf8');
