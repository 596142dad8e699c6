// Per-attempt capability tokens for the job agent (DESIGN.md "The run-time contract").
//
// A token lets the agent wrapper on a GPU machine speak for exactly one attempt of one
// job of one tenant, and for no longer than that attempt can live. It is never the
// tenant's API key: a host that reads it from the container's environment can only
// report heartbeats/logs/exit for that attempt (and read what the attempt itself may:
// its secrets, its checkpoint), and only until it expires.
//
// Format: `sya1.<base64url(JSON payload)>.<base64url(HMAC-SHA256(key, "sya1." + payload))>`
// payload = { t: tenantId, j: jobId, a: attemptId, exp: expiry in epoch seconds }.
// Verification recomputes the MAC and compares in constant time before parsing anything.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token grants: one attempt, until `expiresAt`. */
export interface AttemptCapability {
  tenantId: string;
  jobId: string;
  attemptId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const PREFIX = 'sya1.';
/** Tokens longer than this are refused before any work (ids are short). */
export const MAX_TOKEN_CHARS = 1024;
/** Smallest key accepted: 32 bytes of entropy (64 hex chars or any ≥ 32-byte secret). */
export const MIN_KEY_BYTES = 32;

/** Slack added to a token's life beyond the attempt's own run time and start deadline. */
export const TOKEN_MARGIN_SECONDS = 15 * 60;

/**
 * Expiry for an attempt launched at `launchedAtMs`: the attempt may wait up to the start
 * deadline, then run up to maxDurationSeconds; the margin covers the final flush (logs,
 * checkpoint at SIGTERM, outputs, exit report) and clock skew.
 */
export const attemptTokenExpiry = (launchedAtMs: number, maxDurationSeconds: number, startDeadlineSeconds: number): number =>
  Math.ceil(launchedAtMs / 1000) + maxDurationSeconds + startDeadlineSeconds + TOKEN_MARGIN_SECONDS;

const mac = (key: string | Buffer, signed: string): Buffer => createHmac('sha256', key).update(signed).digest();

const checkKey = (key: string | Buffer): void => {
  if (Buffer.byteLength(key) < MIN_KEY_BYTES) throw new Error(`the agent token key must be at least ${MIN_KEY_BYTES} bytes`);
};

export const issueAttemptToken = (key: string | Buffer, cap: AttemptCapability): string => {
  checkKey(key);
  const payload = Buffer.from(JSON.stringify({ t: cap.tenantId, j: cap.jobId, a: cap.attemptId, exp: cap.expiresAt })).toString('base64url');
  const signed = `${PREFIX}${payload}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
};

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 128;

/**
 * The capability a token grants, or undefined when it is malformed, signed with another
 * key, tampered with, or expired at `nowMs`. One answer for all of them.
 */
export const verifyAttemptToken = (key: string | Buffer, token: string, nowMs: number): AttemptCapability | undefined => {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !token.startsWith(PREFIX)) return undefined;
  const dot = token.lastIndexOf('.');
  if (dot <= PREFIX.length) return undefined;
  const signed = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, signed);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(signed.slice(PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { t, j, a, exp } = payload;
  if (!isId(t) || !isId(j) || !isId(a) || typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  if (nowMs >= exp * 1000) return undefined;
  return { tenantId: t, jobId: j, attemptId: a, expiresAt: exp };
};
