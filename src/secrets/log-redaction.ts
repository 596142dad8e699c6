// Server-side redaction of secret values in the agent's log chunks, before they are stored.
// Each occurrence is masked with as many "*" as it has bytes, so chunk offsets (which the
// agent and the log readers count in bytes of the original output) stay exact. A value split
// across two chunks is not caught here: the agent ships whole lines where it can, and this is
// the safety net behind the agent's own redaction, not a replacement for it.
import type { SecretsService } from './secrets-service.js';

const MIN_MASKED_BYTES = 4;
const CACHE_MS = 60_000;

export const maskValues = (bytes: Uint8Array, values: string[]): Uint8Array => {
  const needles = [...new Set(values)].map((v) => Buffer.from(v, 'utf8')).filter((b) => b.length >= MIN_MASKED_BYTES);
  if (needles.length === 0) return bytes;
  const out = Buffer.from(bytes);
  for (const needle of needles.sort((a, b) => b.length - a.length)) {
    for (let at = out.indexOf(needle); at >= 0; at = out.indexOf(needle, at + needle.length)) out.fill(0x2a, at, at + needle.length);
  }
  return out;
};

/** A redactor for one tenant's job: the values of the job's secret refs, cached briefly per job. */
export const logRedactor = (secrets: SecretsService, now: () => number = Date.now) => {
  const cache = new Map<string, { values: string[]; until: number }>();
  return async (tenantId: string, jobId: string, refs: Record<string, string> | undefined, bytes: Uint8Array): Promise<Uint8Array> => {
    if (!refs || Object.keys(refs).length === 0) return bytes;
    let hit = cache.get(jobId);
    if (!hit || hit.until < now()) {
      // A deleted secret can no longer be resolved; redact what still can be.
      const values = await Promise.all(Object.values(refs).map((name) => secrets.value(tenantId, name).catch(() => undefined)));
      hit = { values: values.filter((v): v is string => v !== undefined), until: now() + CACHE_MS };
      cache.set(jobId, hit);
      if (cache.size > 1000) cache.delete(cache.keys().next().value!);
    }
    return maskValues(bytes, hit.values);
  };
};
