// Verifies a Switchyard webhook delivery, the scheme of the API's src/webhooks/signature.ts:
//   Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// Several v1 entries may appear while a secret is rotated; any match is enough.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Job } from './client.js';

export const SIGNATURE_HEADER = 'switchyard-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received (before JSON parsing). */
  payload: string;
  /** The Switchyard-Signature header. */
  signature: string | null | undefined;
  /** Your webhook secret (GET /v1/webhook-secret), or several during a rotation. */
  secret: string | string[];
  toleranceSeconds?: number;
  /** Unix seconds; now by default. */
  now?: number;
}

/** The event types a job webhook can have (src/webhooks/event-types.ts in the API). */
export const WEBHOOK_EVENT_TYPES = ['job.queued', 'job.running', 'job.failover', 'job.succeeded', 'job.failed', 'job.cancelled', 'job.timed_out'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A job webhook's body. A job's events are delivered one at a time in `seq` order; dedupe on `id`. */
export interface WebhookEvent {
  /** evt_<jobId>_<seq>: the same on every retry. */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  jobId: string;
  /** The event's place in the job's timeline (GET /v1/jobs/{id}/events); gaps are events not announced. */
  seq: number;
  /** The job as GET /v1/jobs/{id} shows it, right after the event (a final event's includes the settled cost). */
  data: { object: Job };
}

export type VerifyWebhookResult = { ok: true; timestamp: number; event: WebhookEvent } | { ok: false; reason: string };

export const verifyWebhook = (opts: VerifyWebhookOptions): VerifyWebhookResult => {
  if (!opts.signature) return { ok: false, reason: 'missing signature header' };
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of opts.signature.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined) return { ok: false, reason: 'no timestamp in signature header' };
  if (candidates.length === 0) return { ok: false, reason: 'no v1 signature in signature header' };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'timestamp outside the tolerance' };
  const secrets = Array.isArray(opts.secret) ? opts.secret : [opts.secret];
  const signed = `${timestamp}.${opts.payload}`;
  const match = secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(signed).digest();
    return candidates.some((c) => timingSafeEqual(c, expected));
  });
  if (!match) return { ok: false, reason: 'signature does not match' };
  let event: WebhookEvent;
  try {
    // Signed by us, so its shape is ours: no validation beyond JSON.
    event = JSON.parse(opts.payload) as WebhookEvent;
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  return { ok: true, timestamp, event };
};
