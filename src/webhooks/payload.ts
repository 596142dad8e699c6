// The body of a job webhook, Stripe-style:
//   { id, type, createdAt, jobId, seq, data: { object: <job> } }
// `object` is the public job view GET /v1/jobs/{id} returns (the same function builds both,
// so a field hidden there, like provider refs, is hidden here too; secret values are never
// in a job at all, only secret names).
import { jobView } from '../api/routes/jobs.js';
import type { Job, JobEvent } from '../core/job.js';
import type { WebhookEventType } from './event-types.js';

/** Deterministic per event, so a receiver can drop the repeats that at-least-once implies. */
export const eventIdOf = (e: Pick<JobEvent, 'jobId' | 'seq'>): string => `evt_${e.jobId}_${e.seq}`;

export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  jobId: string;
  /** The event's place in the job's timeline: increasing, so receivers can order and dedupe. */
  seq: number;
  data: { object: ReturnType<typeof jobView> };
}

export const webhookPayload = (type: WebhookEventType, event: JobEvent, job: Job): WebhookPayload => ({
  id: eventIdOf(event),
  type,
  createdAt: event.at,
  jobId: event.jobId,
  seq: event.seq,
  data: { object: jobView(job) },
});
