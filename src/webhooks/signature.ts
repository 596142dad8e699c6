// Webhook signatures, verifiable like Stripe's:
//   Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// The timestamp is inside the signed text, so a captured delivery cannot be replayed
// later with a fresh timestamp; receivers reject timestamps outside a tolerance.
// This file has no dependencies beyond node:crypto so customers can copy it as-is.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'switchyard-signature';
export const EVENT_ID_HEADER = 'switchyard-event-id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const computeSignature = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** One v1 per secret: during a rotation's overlap both the new and the previous secret sign. */
export const signatureHeader = (secret: string | readonly string[], timestamp: number, body: string): string =>
  [`t=${timestamp}`, ...(typeof secret === 'string' ? [secret] : secret).map((s) => `v1=${computeSignature(s, timestamp, body)}`)].join(',');

export interface VerifyOptions {
  /** The raw request body, exactly as received (before any JSON parsing). */
  payload: string;
  /** The Switchyard-Signature header value. */
  header: string | null | undefined;
  /** The tenant's webhook secret (GET /v1/webhook-secret), or several while rolling your own copy over. */
  secret: string | readonly string[];
  toleranceSeconds?: number;
  /** Unix seconds; defaults to now. */
  now?: number;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Checks a delivery: a v1 signature must match and the timestamp must be recent. */
export const verifyWebhookSignature = (opts: VerifyOptions): VerifyResult => {
  if (!opts.header) return { ok: false, reason: 'missing signature header' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of opts.header.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Several v1 entries may appear while a secret is being rotated; any match is enough.
    if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined) return { ok: false, reason: 'no timestamp in signature header' };
  if (candidates.length === 0) return { ok: false, reason: 'no v1 signature in signature header' };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'timestamp outside the tolerance' };
  }
  const secrets = typeof opts.secret === 'string' ? [opts.secret] : opts.secret;
  const match = secrets.some((secret) => {
    const expected = Buffer.from(computeSignature(secret, timestamp, opts.payload), 'hex');
    return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  });
  return match ? { ok: true, timestamp } : { ok: false, reason: 'signature does not match' };
};
