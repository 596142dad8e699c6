// Delivers due outbox items: at least once, signed, with exponential backoff, and dead
// (recorded, never retried) after maxAttempts. The same function runs as a scheduled
// Lambda (functions/webhooks.ts) and as a loop in local mode.
import type { JobEvent } from '../core/job.js';
import type { Clock } from '../core/ports.js';
import type { WebhookPolicy } from './address-policy.js';
import type { DynamoOutbox, OutboxItem } from './outbox.js';
import { sendWebhook } from './sender.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { checkWebhookUrl, systemResolver, type Resolver } from './url-guard.js';

export interface WebhookDeliveryConfig {
  maxAttempts: number;
  /** First retry after this; doubled for each later one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** How long one deliverer owns an item it is sending (must exceed timeoutMs). */
  leaseMs: number;
  batchSize: number;
  concurrency: number;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookDeliveryConfig = {
  maxAttempts: 10,
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 3600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  batchSize: 100,
  concurrency: 8,
};

export interface WebhookDeliveryDeps {
  outbox: DynamoOutbox;
  /** The tenant's signing secret (TenantStore.webhookSecret). */
  secretFor: (tenantId: string) => Promise<string>;
  policy: WebhookPolicy;
  resolve?: Resolver;
  clock: Clock;
  config: WebhookDeliveryConfig;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface DeliverySummary {
  delivered: number;
  retried: number;
  dead: number;
}

/** Deterministic per event, so a receiver can drop the repeats that at-least-once implies. */
export const eventIdOf = (e: Pick<JobEvent, 'jobId' | 'seq'>): string => `evt_${e.jobId}_${e.seq}`;

export const webhookBody = (item: OutboxItem): string => {
  const { jobId, ...event } = item.event;
  return JSON.stringify({
    id: eventIdOf(item.event),
    type: `job.${event.type}`,
    createdAt: event.at,
    jobId,
    data: event,
  });
};

/** Exponential backoff with ±20% jitter so that many failing receivers do not retry in step. */
export const backoffMs = (attempt: number, config: WebhookDeliveryConfig, random = Math.random): number => {
  const base = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
};

const deliverOne = async (deps: WebhookDeliveryDeps, found: OutboxItem, summary: DeliverySummary): Promise<void> => {
  const start = deps.clock.now();
  const item = await deps.outbox.claim(found, new Date(start.getTime() + deps.config.leaseMs).toISOString());
  if (!item) return;
  const attempt = item.deliveryAttempts + 1;
  const fail = async (error: string, permanent: boolean) => {
    const now = deps.clock.now();
    if (permanent || attempt >= deps.config.maxAttempts) {
      await deps.outbox.dead(item, now.toISOString(), error);
      summary.dead++;
      deps.log?.('webhook dead', { jobId: item.jobId, seq: item.seq, attempts: attempt, error });
    } else {
      await deps.outbox.retryLater(item, new Date(now.getTime() + backoffMs(attempt, deps.config)).toISOString(), error);
      summary.retried++;
    }
  };
  // Checked again at every attempt: DNS may now point somewhere it did not at submit.
  const check = await checkWebhookUrl(item.url, deps.policy, deps.resolve ?? systemResolver);
  if (!check.ok) {
    const resolutionFailed = check.reason.includes('does not resolve');
    return fail(`webhookUrl ${check.reason}`, !resolutionFailed);
  }
  const body = webhookBody(item);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const outcome = await sendWebhook({
    url: check.url,
    addresses: check.addresses,
    body,
    timeoutMs: deps.config.timeoutMs,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Switchyard-Webhooks/1.0',
      [EVENT_ID_HEADER]: eventIdOf(item.event),
      [SIGNATURE_HEADER]: signatureHeader(await deps.secretFor(item.tenantId), timestamp, body),
    },
  });
  if (outcome.kind === 'delivered') {
    await deps.outbox.delivered(item, deps.clock.now().toISOString(), outcome.status);
    summary.delivered++;
    return;
  }
  await fail(outcome.error, outcome.kind === 'permanent');
};

export const deliverDueWebhooks = async (deps: WebhookDeliveryDeps): Promise<DeliverySummary> => {
  const summary: DeliverySummary = { delivered: 0, retried: 0, dead: 0 };
  const due = await deps.outbox.due(deps.clock.now().toISOString(), deps.config.batchSize);
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const item = due[next++]!;
      try {
        await deliverOne(deps, item, summary);
      } catch (error) {
        // One bad item must not stop the rest; its claim lapses and it is tried again.
        deps.log?.('webhook delivery error', { jobId: item.jobId, seq: item.seq, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.config.concurrency, due.length) }, worker));
  return summary;
};
