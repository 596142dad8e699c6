// The webhook outbox on DynamoDB. The job store writes one item per job event (in the
// event's transaction); this side finds the ones that are due and records each outcome.
// Item: pk=OUTBOX#<jobId> sk=EVENT#<seq>, tenantId, url, event, deliveryAttempts, and while
// undelivered gsi3pk=WEBHOOK#<shard> gsi3sk=<ISO time of the next attempt>.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobEvent } from '../core/job.js';
import { queryShards } from '../adapters/dynamodb/sharded-index.js';
import { GSI, WEBHOOK_OUTBOX_PREFIX, outboxKey } from '../adapters/dynamodb/table-design.js';

export interface OutboxItem {
  jobId: string;
  seq: number;
  tenantId: string;
  url: string;
  event: JobEvent;
  deliveryAttempts: number;
  /** gsi3sk: when the next attempt is due (or, while claimed, when the claim lapses). */
  due: string;
  status?: 'delivered' | 'dead';
  lastError?: string;
  deliveredAt?: string;
  deadAt?: string;
}

const fromItem = (i: Record<string, unknown>): OutboxItem => {
  const event = i.event as JobEvent;
  return {
    jobId: event.jobId,
    seq: event.seq,
    tenantId: i.tenantId as string,
    url: i.url as string,
    event,
    deliveryAttempts: Number(i.deliveryAttempts ?? 0),
    due: (i[GSI.reconcile.sortKey] as string | undefined) ?? '',
    ...(i.status ? { status: i.status as 'delivered' | 'dead' } : {}),
    ...(i.lastError ? { lastError: i.lastError as string } : {}),
    ...(i.deliveredAt ? { deliveredAt: i.deliveredAt as string } : {}),
    ...(i.deadAt ? { deadAt: i.deadAt as string } : {}),
  };
};

/** Delivered and dead items keep their history for a while, then TTL removes them. */
const HISTORY_SECONDS = 30 * 24 * 3600;

export class DynamoOutbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async due(now: string, limit: number): Promise<OutboxItem[]> {
    return (await queryShards(this.db, this.tableName, WEBHOOK_OUTBOX_PREFIX, { limit, until: now })).map(fromItem);
  }

  async get(jobId: string, seq: number): Promise<OutboxItem | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: outboxKey(jobId, seq), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /**
   * Takes the item for one attempt by moving its due time to the end of a lease. Only one
   * deliverer wins; if it dies mid-attempt the lease lapses and the item is due again.
   */
  async claim(item: OutboxItem, leaseUntil: string): Promise<OutboxItem | undefined> {
    try {
      await this.update(item, 'SET #s = :lease', { ':lease': leaseUntil });
      return { ...item, due: leaseUntil };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delivered(item: OutboxItem, at: string, httpStatus: number): Promise<void> {
    await this.settle(item, 'REMOVE #p, #s SET #st = :st, deliveredAt = :at, deliveryAttempts = :n, lastStatus = :code, expiresAt = :exp', {
      ':st': 'delivered',
      ':at': at,
      ':n': item.deliveryAttempts + 1,
      ':code': httpStatus,
      ':exp': Math.floor(Date.parse(at) / 1000) + HISTORY_SECONDS,
    });
  }

  async retryLater(item: OutboxItem, next: string, error: string): Promise<void> {
    await this.settle(item, 'SET #s = :next, deliveryAttempts = :n, lastError = :err', {
      ':next': next,
      ':n': item.deliveryAttempts + 1,
      ':err': error,
    });
  }

  async dead(item: OutboxItem, at: string, error: string): Promise<void> {
    await this.settle(item, 'REMOVE #p, #s SET #st = :st, deadAt = :at, deliveryAttempts = :n, lastError = :err, expiresAt = :exp', {
      ':st': 'dead',
      ':at': at,
      ':n': item.deliveryAttempts + 1,
      ':err': error,
      ':exp': Math.floor(Date.parse(at) / 1000) + HISTORY_SECONDS,
    });
  }

  /** An outcome is recorded only while our claim holds; a lapsed claim means another deliverer owns it now. */
  private async settle(item: OutboxItem, expression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.update(item, expression, values);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private update(item: OutboxItem, expression: string, values: Record<string, unknown>) {
    const names: Record<string, string> = { '#s': GSI.reconcile.sortKey };
    if (expression.includes('#p')) names['#p'] = GSI.reconcile.partitionKey;
    if (expression.includes('#st')) names['#st'] = 'status';
    return this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: outboxKey(item.jobId, item.seq),
        UpdateExpression: expression,
        ConditionExpression: '#s = :seen AND deliveryAttempts = :attempts',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':seen': item.due, ':attempts': item.deliveryAttempts },
      }),
    );
  }
}
