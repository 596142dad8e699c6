// Ports: what the core needs from the outside world. Adapters (DynamoDB, SQS, the
// embedded queue, provider APIs) implement these; the core never imports them.
import type { Job, JobEvent, JobFilter, JobSpec, JobStatus } from './job.js';
import type { JobWrite } from './transitions.js';
import type { Guard, Posting } from '../money/ledger.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Thrown by a store when a conditional write lost a race: someone else changed the job first. */
export class ConflictError extends Error {
  constructor(message = 'the job was changed by someone else') {
    super(message);
  }
}

export interface IdempotencyRecord {
  requestHash: string;
  jobId: string;
  /** The job as the first request answered it: a replay answers the same, with no other read. */
  job?: Job;
}

/**
 * Ledger writes a new job carries (its hold): data the job store commits in the job's own
 * transaction, whose conditions are the guards. So a job is never stored without its hold,
 * and a refused hold stores no job. Built by the billing module; the core only passes it on.
 */
export interface HoldWrite {
  posting: Posting;
  guards: Guard[];
}

/** A finished job's charge, and the ledger write that books it (absent when there is none to make). */
export interface SettlementPlan {
  costMicroUsd: number;
  write?: HoldWrite;
}

export class IdempotencyConflictError extends Error {
  constructor(readonly existing: IdempotencyRecord) {
    super('idempotency key already used');
  }
}

export interface JobPage {
  items: Job[];
  nextCursor?: string;
}

export interface JobStore {
  /**
   * Create a job with its first event. With an idempotency key, the key is claimed in
   * the same transaction; if it was claimed before, IdempotencyConflictError carries the
   * earlier record and nothing is written. With a hold, its posting and guards are part of
   * the same transaction; a failed guard writes nothing and throws the billing module's error.
   */
  create(job: Job, event: JobEvent, idempotency?: { key: string; requestHash: string }, hold?: HoldWrite): Promise<void>;
  get(jobId: string): Promise<Job | undefined>;
  /** The job an Idempotency-Key was first used for, if any. */
  findIdempotent(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  getForTenant(tenantId: string, jobId: string): Promise<Job | undefined>;
  /** Newest first; a filter keeps paging exact (a page may hold fewer than `limit` items, never skips one). */
  list(tenantId: string, opts: { status?: JobStatus; filter?: JobFilter; limit: number; cursor?: string }): Promise<JobPage>;
  /** Conditional write of a JobChange; throws ConflictError if the version moved. */
  write(change: JobWrite, ledger?: HoldWrite): Promise<void>;
  events(jobId: string): Promise<JobEvent[]>;
  /** Jobs that are not finished, or that still hold a provider resource, oldest update first. */
  needingReconcile(limit: number): Promise<Job[]>;
  /**
   * The same index a page at a time (up to `limit` per shard), so one pass can cover all of it; no cursor after the last page.
   * With `shard`, only that pass shard's part of the index: every job is in exactly one of `count` shards.
   */
  needingReconcilePage(limit: number, cursor?: string, shard?: PassShard): Promise<{ jobs: Job[]; cursor?: string }>;
}

/**
 * One of `count` reconcile invocations sharing a pass: `index` in 0..count-1. The store splits
 * its index so that each job falls in exactly one shard.
 */
export interface PassShard {
  index: number;
  count: number;
}

export interface QueueMessage {
  jobId: string;
}

export interface JobQueue {
  send(message: QueueMessage): Promise<void>;
}

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  secretHash: string;
  scopes: string[];
  createdAt: string;
  revokedAt?: string;
  /** Optional end of validity: lets a rotated-out key die on its own after an overlap. */
  expiresAt?: string;
  /** A label for people ("ci", "rotation 2026-11"); never used for authorization. */
  name?: string;
}

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: string;
}

/** Who did what to whom: key creation, revocation and every other admin action. */
export interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actor: { tenantId: string; keyId: string };
  /** The tenant the action was about; audit can be filtered by it. */
  tenantId?: string;
  keyId?: string;
  details?: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEvent[];
  nextCursor?: string;
}

export interface TenantStore {
  putTenant(tenant: TenantRecord): Promise<void>;
  getTenant(id: string): Promise<TenantRecord | undefined>;
  /** Creates a tenant and records the audit event in one transaction; ConflictError if the id is taken. */
  createTenant(tenant: TenantRecord, audit: AuditEvent): Promise<void>;
  putKey(key: ApiKeyRecord): Promise<void>;
  getKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Stores a new key and its audit event in one transaction. */
  createKey(key: ApiKeyRecord, audit: AuditEvent): Promise<void>;
  /** Revokes a key (once: a repeat keeps the first revokedAt) with its audit event; undefined if no such key. */
  revokeKey(keyId: string, at: string, audit: AuditEvent): Promise<ApiKeyRecord | undefined>;
  listKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  recordAudit(event: AuditEvent): Promise<void>;
  /** Newest first; filtered to one tenant when tenantId is given. */
  listAudit(opts: { tenantId?: string; limit: number; cursor?: string }): Promise<AuditPage>;
  /** The tenant's webhook signing secret, created on first use. */
  webhookSecret(tenantId: string): Promise<string>;
  /** The current secret and, during a rotation's overlap, the previous one. */
  webhookSecrets(tenantId: string): Promise<WebhookSecrets>;
  /** A new secret; the replaced one still signs for overlapSeconds. Recorded with its audit event. */
  rotateWebhookSecret(tenantId: string, at: Date, overlapSeconds: number, audit: AuditEvent): Promise<WebhookSecrets>;
}

export interface WebhookSecrets {
  secret: string;
  createdAt: string;
  /** The secret a rotation replaced, which signs deliveries too until expiresAt. */
  previous?: { secret: string; expiresAt: string };
}

/**
 * Money hooks around a job's life. The job path calls them; the billing module
 * implements them. Every call may repeat (retries, crashes): implementations post to
 * the ledger with idempotency ids derived from the job, so a repeat changes nothing.
 */
export interface JobAccounting {
  /**
   * Before a job is stored: the hold to write with it (budget and balance checks are its
   * guards, checked by the write itself), or a thrown domain error when the terms already
   * refuse the job (an overdue invoice).
   */
  planHold(job: Job): Promise<HoldWrite | undefined>;
  /** The store refused the job's write: throws the domain refusal for a failed guard, else `error` itself. */
  refusal(job: Job, error: unknown): Promise<never>;
  /**
   * For a job that has just ended (no live attempt): its metered charge and the posting that
   * charges it and releases the rest of the hold, written with the terminal change itself so
   * a terminal job always carries its cost. No posting when it was posted before (its cost is
   * read back) or nothing is billed.
   */
  planSettlement(job: Job): Promise<SettlementPlan>;
  /**
   * The tenant's own price per GPU-hour (µUSD) on an offer: what the attempt shows the customer,
   * so neither the provider's cost nor the margin ever appears in a job, event or webhook.
   */
  customerRate(job: Job, offer: { gpuModel: string; pricePerGpuHourUsd: number }): Promise<number>;
}

/** No billing: admits everything and settles at zero (local mode without money configured). */
export const noAccounting: JobAccounting = {
  planHold: async () => undefined,
  refusal: async (_job, error) => {
    throw error;
  },
  planSettlement: async () => ({ costMicroUsd: 0 }),
  // Nothing is billed: the price shown is the provider's own, with no margin to hide.
  customerRate: async (_job, offer) => Math.round(offer.pricePerGpuHourUsd * 1_000_000),
};
