// Which timeline events are announced by webhook, and as what. Customers subscribe to
// what happened to the job (Stripe-style `job.<what>`), not to our internal steps:
// `placing`, `starting`, attempt and release events are in the timeline
// (GET /v1/jobs/{id}/events) but are not sent. Pure: no I/O.
import type { JobEvent } from '../core/job.js';

export const WEBHOOK_EVENT_TYPES = [
  'job.queued',
  'job.running',
  'job.failover',
  'job.succeeded',
  'job.failed',
  'job.cancelled',
  'job.timed_out',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Events after which the job changes no more (except its settled cost and releases). */
export const TERMINAL_WEBHOOK_TYPES: ReadonlySet<WebhookEventType> = new Set(['job.succeeded', 'job.failed', 'job.cancelled', 'job.timed_out']);

/** The webhook type of a timeline event, or undefined when the event is not announced. */
export const webhookTypeOf = (event: Pick<JobEvent, 'type' | 'from' | 'to'>): WebhookEventType | undefined => {
  if (event.type !== 'status') return undefined;
  switch (event.to) {
    // At submit, and again when the job goes back to wait for capacity.
    case 'queued':
      return 'job.queued';
    case 'running':
      return 'job.running';
    // Back to placing from a placed job: its attempt was lost or refused and another one follows.
    // (queued → placing is only the dispatcher picking the job up: not announced.)
    case 'placing':
      return event.from === 'starting' || event.from === 'running' ? 'job.failover' : undefined;
    case 'succeeded':
    case 'failed':
    case 'cancelled':
    case 'timed_out':
      return `job.${event.to}`;
    default:
      return undefined;
  }
};
