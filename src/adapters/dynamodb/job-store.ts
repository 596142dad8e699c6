// JobStore on DynamoDB. Every write is a transaction conditional on the version the
// change was built from, and a job's events are written in the same transaction, so a
// timeline can never miss or repeat an event. Key design: ./table-design.ts.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Job, JobEvent, JobFilter, JobStatus } from '../../core/job.js';
import { needsReconcile } from '../../core/job.js';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GuardFailedError } from '../../money/ledger.js';
import {
  ConflictError,
  IdempotencyConflictError,
  type HoldWrite,
  type IdempotencyRecord,
  type JobPage,
  type JobStore,
  type PassShard,
} from '../../core/ports.js';
import type { JobWrite } from '../../core/transitions.js';
import { queryNewestFirst } from './cursor.js';
import { jobFilterExpression, queryNewestFirstFiltered } from './filtered-page.js';
import { postingItems, type TransactItem } from './ledger-store.js';
import { partitionsOfPassShard, queryShards, queryShardsPage } from './sharded-index.js';
import { GSI, TTL_ATTRIBUTE, jobShard } from './table-design.js';
import { outboxWrites } from '../../webhooks/outbox-writes.js';

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' });
const eventSk = (seq: number) => `EVENT#${String(seq).padStart(10, '0')}`;
const idemKey = (tenantId: string, key: string) => ({ pk: `IDEM#${tenantId}#${key}`, sk: 'IDEM' });

const jobItem = (job: Job) => {
  const order = `${job.createdAt}#${job.id}`;
  return {
    ...jobKey(job.id),
    version: job.version,
    tenantId: job.tenantId,
    status: job.status,
    job,
    [GSI.tenantJobs.partitionKey]: `TENANT#${job.tenantId}`,
    [GSI.tenantJobs.sortKey]: order,
    [GSI.tenantStatusJobs.partitionKey]: `TENANT#${job.tenantId}#STATUS#${job.status}`,
    [GSI.tenantStatusJobs.sortKey]: order,
    // Sparse: present only while the reconciler still has something to do for the job.
    ...(needsReconcile(job)
      ? { [GSI.reconcile.partitionKey]: `RECONCILE#${jobShard(job.id)}`, [GSI.reconcile.sortKey]: job.updatedAt }
      : {}),
  };
};

const eventItem = (e: JobEvent) => ({ pk: `JOB#${e.jobId}`, sk: eventSk(e.seq), event: e });

const eventPuts = (TableName: string, job: Job, events: JobEvent[]): TransactItem[] => [
  ...events.map((e) => ({ Put: { TableName, Item: eventItem(e), ConditionExpression: 'attribute_not_exists(pk)' } })),
  // In the same transaction as the events, so that no announced change can go unsent.
  ...outboxWrites(TableName, job, events),
];

const toRecord = (item: Record<string, unknown>): IdempotencyRecord => ({
  requestHash: item.requestHash as string,
  jobId: item.jobId as string,
  ...(item.job ? { job: item.job as Job } : {}),
});

const isConditionFailure = (error: unknown, index?: number): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some(
    (r, i) => r.Code === 'ConditionalCheckFailed' && (index === undefined || i === index),
  );

export class DynamoJobStore implements JobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * A submit's one write: the job, its first event (and webhook outbox item), the
   * idempotency record and the hold's ledger items, all in one TransactWriteItems.
   */
  async create(job: Job, event: JobEvent, idempotency?: { key: string; requestHash: string }, hold?: HoldWrite): Promise<void> {
    const TableName = this.tableName;
    const items: TransactItem[] = [
      { Put: { TableName, Item: jobItem(job), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...eventPuts(TableName, job, [event]),
    ];
    let idemIndex = -1;
    if (idempotency) {
      const expiresAt = Math.floor(Date.parse(job.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS;
      const record: IdempotencyRecord = { requestHash: idempotency.requestHash, jobId: job.id, job };
      idemIndex = items.length;
      items.push({
        Put: {
          TableName,
          Item: { ...idemKey(job.tenantId, idempotency.key), ...record, [TTL_ATTRIBUTE]: expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
          // A racing first use comes back with the cancellation: no read to answer the replay.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    const holdStart = items.length;
    const holdItems = hold ? postingItems(TableName, hold.posting, hold.guards) : { items: [], guardByItem: [] };
    items.push(...holdItems.items);
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const earlier = idemIndex >= 0 ? reasons[idemIndex] : undefined;
      if (earlier?.Code === 'ConditionalCheckFailed' && earlier.Item) {
        throw new IdempotencyConflictError(toRecord(unmarshall(earlier.Item as never)));
      }
      const failed = reasons.findIndex((r, i) => i >= holdStart && r.Code === 'ConditionalCheckFailed');
      const guard = failed >= 0 ? holdItems.guardByItem[failed - holdStart] : undefined;
      if (guard) throw new GuardFailedError(guard);
      if (isConditionFailure(error)) throw new ConflictError('a job with this id already exists');
      throw error;
    }
  }

  async get(jobId: string): Promise<Job | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: jobKey(jobId), ConsistentRead: true }));
    return (out.Item?.job as Job | undefined) ?? undefined;
  }

  async findIdempotent(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idemKey(tenantId, key), ConsistentRead: true }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  async getForTenant(tenantId: string, jobId: string): Promise<Job | undefined> {
    const job = await this.get(jobId);
    return job && job.tenantId === tenantId ? job : undefined;
  }

  async list(tenantId: string, opts: { status?: JobStatus; filter?: JobFilter; limit: number; cursor?: string }): Promise<JobPage> {
    const index = opts.status ? GSI.tenantStatusJobs : GSI.tenantJobs;
    const partition = opts.status ? `TENANT#${tenantId}#STATUS#${opts.status}` : `TENANT#${tenantId}`;
    const filter = opts.filter ? jobFilterExpression(opts.filter) : undefined;
    const pageOpts = { limit: opts.limit, ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}) };
    const page = filter
      ? await queryNewestFirstFiltered(this.db, this.tableName, index, partition, filter, pageOpts)
      : await queryNewestFirst(this.db, this.tableName, index, partition, pageOpts);
    const items = page.items.map((i) => i.job as Job);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  /** The change and its events (and, for a change that ends the job, its settlement's ledger items) in one TransactWriteItems. */
  async write(change: JobWrite, ledger?: HoldWrite): Promise<void> {
    const TableName = this.tableName;
    const items: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: jobItem(change.job),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': change.expectedVersion },
        },
      },
      ...eventPuts(TableName, change.job, change.events),
    ];
    const ledgerStart = items.length;
    const ledgerItems = ledger ? postingItems(TableName, ledger.posting, ledger.guards) : { items: [], guardByItem: [] };
    items.push(...ledgerItems.items);
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        const failed = reasons.findIndex((r, i) => i >= ledgerStart && r.Code === 'ConditionalCheckFailed');
        const guard = failed >= 0 ? ledgerItems.guardByItem[failed - ledgerStart] : undefined;
        if (guard) throw new GuardFailedError(guard);
      }
      // The job moved, or the posting exists already (a concurrent write settled it): read and try again.
      if (isConditionFailure(error)) throw new ConflictError();
      throw error;
    }
  }

  async events(jobId: string): Promise<JobEvent[]> {
    const events: JobEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':prefix': 'EVENT#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      events.push(...(out.Items ?? []).map((i) => i.event as JobEvent));
      start = out.LastEvaluatedKey;
    } while (start);
    return events;
  }

  async needingReconcile(limit: number): Promise<Job[]> {
    return (await queryShards(this.db, this.tableName, 'RECONCILE#', { limit })).map((i) => i.job as Job);
  }

  async needingReconcilePage(limit: number, cursor?: string, shard?: PassShard): Promise<{ jobs: Job[]; cursor?: string }> {
    const partitions = shard ? partitionsOfPassShard(shard) : undefined;
    const page = await queryShardsPage(this.db, this.tableName, 'RECONCILE#', { limit, ...(cursor ? { cursor } : {}), ...(partitions ? { partitions } : {}) });
    return { jobs: page.items.map((i) => i.job as Job), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }
}
