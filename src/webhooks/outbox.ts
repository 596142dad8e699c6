// The webhook outbox on DynamoDB (key design: ../adapters/dynamodb/table-design.ts).
// Per job: one item per announced event (pk=OUTBOX#<jobId>, sk=EVENT#<seq>) and one cursor
// (sk=CURSOR) holding settledSeq, the last seq delivered or dead. Only the cursor is in the
// sparse gsi3 index (gsi3pk=WEBHOOKJOB#<shard>, gsi3sk=when the job's next event is due), so
// the deliverer's query returns one entry per job whose head event is due, never the events
// queued behind it: a job's events go one at a time, in seq order.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Job, JobEvent } from '../core/job.js';
import { queryShards } from '../adapters/dynamodb/sharded-index.js';
import { GSI, WEBHOOK_CURSOR_PREFIX, outboxCursorKey, outboxKey } from '../adapters/dynamodb/table-design.js';
import type { WebhookEventType } from './event-types.js';

export interface OutboxItem {
  jobId: string;
  seq: number;
  tenantId: string;
  url: string;
  type: WebhookEventType;
  event: JobEvent;
  /** The job right after the change that made the event. */
  job: Job;
  deliveryAttempts: number;
  /** When the next attempt is due, after a failed one. */
  due?: string;
  status?: 'delivered' | 'dead';
  lastError?: string;
  deliveredAt?: string;
  deadAt?: string;
}

export interface OutboxCursor {
  jobId: string;
  tenantId: string;
  /** Every announced event up to this seq is delivered or dead. */
  settledSeq: number;
  /** The last announced seq written (by the job store). */
  lastSeq: number;
  /** gsi3sk: when the head is due, or while claimed the end of the lease; absent when idle. */
  due?: string;
}

const fromItem = (i: Record<string, unknown>): OutboxItem => {
  const event = i.event as JobEvent;
  return {
    jobId: event.jobId,
    seq: event.seq,
    tenantId: i.tenantId as string,
    url: i.url as string,
    type: i.type as WebhookEventType,
    event,
    job: i.job as Job,
    deliveryAttempts: Number(i.deliveryAttempts ?? 0),
    ...(i.nextAttemptAt ? { due: i.nextAttemptAt as string } : {}),
    ...(i.status ? { status: i.status as 'delivered' | 'dead' } : {}),
    ...(i.lastError ? { lastError: i.lastError as string } : {}),
    ...(i.deliveredAt ? { deliveredAt: i.deliveredAt as string } : {}),
    ...(i.deadAt ? { deadAt: i.deadAt as string } : {}),
  };
};

const fromCursor = (i: Record<string, unknown>): OutboxCursor => ({
  jobId: String(i.pk).slice('OUTBOX#'.length),
  tenantId: i.tenantId as string,
  settledSeq: Number(i.settledSeq ?? 0),
  lastSeq: Number(i.lastSeq ?? 0),
  ...(i[GSI.reconcile.sortKey] ? { due: i[GSI.reconcile.sortKey] as string } : {}),
});

/** Delivered and dead items (and idle cursors) keep their history for a while, then TTL removes them. */
const HISTORY_SECONDS = 30 * 24 * 3600;
const expiry = (at: string) => Math.floor(Date.parse(at) / 1000) + HISTORY_SECONDS;
const NAMES = { '#p': GSI.reconcile.partitionKey, '#s': GSI.reconcile.sortKey };

const lostCondition = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

export class DynamoOutbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Cursors of jobs whose head event is due by `now`: RECONCILE_SHARDS index queries, at most `limit` each. */
  async due(now: string, limit: number): Promise<OutboxCursor[]> {
    return (await queryShards(this.db, this.tableName, WEBHOOK_CURSOR_PREFIX, { limit, until: now })).map(fromCursor);
  }

  async get(jobId: string, seq: number): Promise<OutboxItem | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: outboxKey(jobId, seq), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async cursor(jobId: string): Promise<OutboxCursor | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: outboxCursorKey(jobId), ConsistentRead: true }));
    return out.Item ? fromCursor(out.Item) : undefined;
  }

  /** The job's first event after `settledSeq`: one consistent query on the job's own partition, one item read. */
  async head(jobId: string, settledSeq: number): Promise<OutboxItem | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': `OUTBOX#${jobId}`, ':from': outboxKey(jobId, settledSeq + 1).sk, ':to': outboxKey(jobId, 9_999_999_999).sk },
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? fromItem(item) : undefined;
  }

  /**
   * Takes the job's deliveries for a while by moving its due time to the end of a lease. Only
   * one deliverer wins; if it dies mid-attempt the lease lapses and the job is due again.
   */
  async claim(cursor: OutboxCursor, leaseUntil: string): Promise<OutboxCursor | undefined> {
    return this.updateCursor(cursor, 'SET #s = :lease', { ':lease': leaseUntil }, 'AND settledSeq = :settled', { ':settled': cursor.settledSeq }).then((ok) =>
      ok ? { ...cursor, due: leaseUntil } : undefined,
    );
  }

  /** Holds the cursor (still ours) until `at`: a retry's time, or now to let the next run go on. */
  async reschedule(cursor: OutboxCursor, at: string): Promise<boolean> {
    return this.updateCursor(cursor, 'SET #s = :at', { ':at': at });
  }

  /** Nothing left to send: out of the index, unless the job store announced more since we read lastSeq. */
  async idle(cursor: OutboxCursor, at: string): Promise<boolean> {
    return this.updateCursor(cursor, 'REMOVE #p, #s SET expiresAt = :exp', { ':exp': expiry(at) }, 'AND lastSeq = :last', { ':last': cursor.lastSeq });
  }

  /** The head was delivered or is dead: recorded on the item, and the cursor moves past it, in one transaction. */
  async settle(cursor: OutboxCursor, item: OutboxItem, outcome: { status: 'delivered'; httpStatus: number } | { status: 'dead'; error: string }, at: string): Promise<OutboxCursor | undefined> {
    const values =
      outcome.status === 'delivered'
        ? { expr: 'SET #st = :st, deliveredAt = :at, lastStatus = :code', vals: { ':code': outcome.httpStatus } }
        : { expr: 'SET #st = :st, deadAt = :at, lastError = :err', vals: { ':err': outcome.error } };
    const ok = await this.transact(cursor, {
      UpdateExpression: `${values.expr}, deliveryAttempts = :n, expiresAt = :exp REMOVE nextAttemptAt`,
      ExpressionAttributeNames: { '#st': 'status' },
      ExpressionAttributeValues: { ...values.vals, ':st': outcome.status, ':at': at, ':n': item.deliveryAttempts + 1, ':exp': expiry(at) },
    }, item, 'SET settledSeq = :seq', { ':seq': item.seq });
    return ok ? { ...cursor, settledSeq: item.seq } : undefined;
  }

  /** A failed attempt with more to come: counted on the item, and the cursor waits until `next`. */
  async retryLater(cursor: OutboxCursor, item: OutboxItem, next: string, error: string): Promise<boolean> {
    return this.transact(cursor, {
      UpdateExpression: 'SET deliveryAttempts = :n, lastError = :err, nextAttemptAt = :next',
      ExpressionAttributeValues: { ':n': item.deliveryAttempts + 1, ':err': error, ':next': next },
    }, item, 'SET #s = :next', { ':next': next });
  }

  /** Changes only while our claim holds (the due time we set is still there). */
  private async updateCursor(cursor: OutboxCursor, expression: string, values: Record<string, unknown>, extraCondition = '', extraValues: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: outboxCursorKey(cursor.jobId),
          UpdateExpression: expression,
          ConditionExpression: `#s = :seen ${extraCondition}`,
          ExpressionAttributeNames: expression.includes('#p') ? NAMES : { '#s': NAMES['#s'] },
          ExpressionAttributeValues: { ...values, ...extraValues, ':seen': cursor.due },
        }),
      );
      return true;
    } catch (error) {
      if (lostCondition(error)) return false;
      throw error;
    }
  }

  /** The item's outcome and the cursor's move, conditional on our claim and the attempts we saw. */
  private async transact(
    cursor: OutboxCursor,
    itemUpdate: { UpdateExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
    item: OutboxItem,
    cursorExpression: string,
    cursorValues: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: outboxKey(item.jobId, item.seq),
                ...itemUpdate,
                ConditionExpression: 'deliveryAttempts = :attempts AND attribute_not_exists(#st)',
                ExpressionAttributeNames: { ...itemUpdate.ExpressionAttributeNames, '#st': 'status' },
                ExpressionAttributeValues: { ...itemUpdate.ExpressionAttributeValues, ':attempts': item.deliveryAttempts },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: outboxCursorKey(cursor.jobId),
                UpdateExpression: cursorExpression,
                ConditionExpression: '#s = :seen AND settledSeq = :settled',
                ExpressionAttributeNames: { '#s': NAMES['#s'] },
                ExpressionAttributeValues: { ...cursorValues, ':seen': cursor.due, ':settled': cursor.settledSeq },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (lostCondition(error)) return false;
      throw error;
    }
  }
}
