// Delivers job webhooks: at least once, signed, with exponential backoff, dead (recorded,
// never retried) after maxAttempts, and in seq order per job: a job's next event is sent
// only once the one before it was delivered or is dead. Jobs are independent: each has its
// own cursor in the index (./outbox.ts), so one failing endpoint holds up only its own job.
// The same function runs as a scheduled Lambda (functions/webhooks.ts) and as a loop in local mode.
import type { Job } from '../core/job.js';
import type { Clock } from '../core/ports.js';
import type { WebhookPolicy } from './address-policy.js';
import { attemptDelivery } from './attempt.js';
import { TERMINAL_WEBHOOK_TYPES } from './event-types.js';
import type { DynamoOutbox, OutboxCursor, OutboxItem } from './outbox.js';
import type { Resolver } from './url-guard.js';

export { eventIdOf } from './payload.js';

export interface WebhookDeliveryConfig {
  maxAttempts: number;
  /** First retry after this; doubled for each later one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** How long one deliverer owns a job's deliveries (must exceed timeoutMs). */
  leaseMs: number;
  /** Jobs read from the index per run. */
  batchSize: number;
  concurrency: number;
  /**
   * A final event's snapshot is settled already (the write that ends a job settles it,
   * src/core/settlement.ts); one that is not — a job cancelled before its stop time was known,
   * or written before that — waits up to this long for the settlement, then goes without.
   */
  settleWaitMs: number;
  /** How often a final event waiting for the settlement is looked at again. */
  settlePollMs: number;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookDeliveryConfig = {
  maxAttempts: 10,
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 3600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  batchSize: 100,
  concurrency: 8,
  settleWaitMs: 10 * 60_000,
  settlePollMs: 2_000,
};

export interface WebhookDeliveryDeps {
  outbox: DynamoOutbox;
  /** The secrets that sign a tenant's deliveries now: the current one, and the previous one during a rotation's overlap. */
  secretsFor: (tenantId: string, now: Date) => Promise<string[]>;
  /** Reads the job when its final event waits for the settled cost; without it, final events do not wait. */
  jobs?: { get(jobId: string): Promise<Job | undefined> };
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

/** Exponential backoff with ±20% jitter so that many failing receivers do not retry in step. */
export const backoffMs = (attempt: number, config: WebhookDeliveryConfig, random = Math.random): number => {
  const base = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The job to show: as it was after the event, or for a final event the settled job (with its cost). */
const snapshotFor = async (deps: WebhookDeliveryDeps, item: OutboxItem, now: number): Promise<Job | 'wait'> => {
  if (!TERMINAL_WEBHOOK_TYPES.has(item.type) || item.job.settledAt !== undefined || !deps.jobs) return item.job;
  // After a final status the job changes only by its settlement and releases: the current job is still "as of" the event.
  const current = await deps.jobs.get(item.jobId);
  if (current?.settledAt !== undefined) return current;
  return now - Date.parse(item.event.at) < deps.config.settleWaitMs ? 'wait' : (current ?? item.job);
};

interface RunContext {
  deps: WebhookDeliveryDeps;
  summary: DeliverySummary;
  secrets: (tenantId: string) => Promise<string[]>;
}

/** Sends a job's due events in order while the claim lasts; stops at the first one that must wait. */
const deliverJob = async (ctx: RunContext, found: OutboxCursor): Promise<void> => {
  const { deps, summary } = ctx;
  const leaseEnd = deps.clock.now().getTime() + deps.config.leaseMs;
  let cursor = await deps.outbox.claim(found, iso(leaseEnd));
  let sent = 0;
  while (cursor) {
    const item = await deps.outbox.head(cursor.jobId, cursor.settledSeq);
    const now = deps.clock.now().getTime();
    if (!item) {
      if (await deps.outbox.idle(cursor, iso(now))) return;
      // The job store announced another event since we read the cursor: go on with it.
      const fresh = await deps.outbox.cursor(cursor.jobId);
      cursor = fresh && fresh.due === cursor.due ? fresh : undefined;
      continue;
    }
    // Not enough lease left for one more attempt: hand the job to the next run (the first attempt always goes).
    if (sent > 0 && leaseEnd - now < deps.config.timeoutMs + 1000) return void (await deps.outbox.reschedule(cursor, iso(now)));
    if (item.due && Date.parse(item.due) > now) return void (await deps.outbox.reschedule(cursor, item.due));
    const snapshot = await snapshotFor(deps, item, now);
    if (snapshot === 'wait') return void (await deps.outbox.reschedule(cursor, iso(now + deps.config.settlePollMs)));
    const outcome = await attemptDelivery(
      { policy: deps.policy, timeoutMs: deps.config.timeoutMs, timestamp: Math.floor(now / 1000), secrets: await ctx.secrets(item.tenantId), ...(deps.resolve ? { resolve: deps.resolve } : {}) },
      item,
      snapshot,
    );
    sent++;
    const at = deps.clock.now();
    const attempt = item.deliveryAttempts + 1;
    if (outcome.kind === 'delivered') {
      cursor = await deps.outbox.settle(cursor, item, { status: 'delivered', httpStatus: outcome.status }, at.toISOString());
      summary.delivered++;
    } else if (outcome.kind === 'permanent' || attempt >= deps.config.maxAttempts) {
      // Dead: recorded, and the job's next event goes.
      cursor = await deps.outbox.settle(cursor, item, { status: 'dead', error: outcome.error }, at.toISOString());
      summary.dead++;
      deps.log?.('webhook dead', { jobId: item.jobId, seq: item.seq, attempts: attempt, error: outcome.error });
    } else {
      await deps.outbox.retryLater(cursor, item, iso(at.getTime() + backoffMs(attempt, deps.config)), outcome.error);
      summary.retried++;
      return;
    }
  }
};

export const deliverDueWebhooks = async (deps: WebhookDeliveryDeps): Promise<DeliverySummary> => {
  const summary: DeliverySummary = { delivered: 0, retried: 0, dead: 0 };
  const now = deps.clock.now();
  // One secrets read per tenant per run.
  const cache = new Map<string, Promise<string[]>>();
  const secrets = (tenantId: string) => {
    if (!cache.has(tenantId)) cache.set(tenantId, deps.secretsFor(tenantId, now));
    return cache.get(tenantId)!;
  };
  const due = await deps.outbox.due(now.toISOString(), deps.config.batchSize);
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const cursor = due[next++]!;
      try {
        await deliverJob({ deps, summary, secrets }, cursor);
      } catch (error) {
        // One bad job must not stop the rest; its claim lapses and it is tried again.
        deps.log?.('webhook delivery error', { jobId: cursor.jobId, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.config.concurrency, due.length) }, worker));
  return summary;
};
