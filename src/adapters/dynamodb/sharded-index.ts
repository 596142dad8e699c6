// The sparse gsi3 index is spread over RECONCILE_SHARDS partitions per kind of item
// ("RECONCILE#<n>" for jobs the reconciler owes a look, "WEBHOOK#<n>" for deliveries
// owed), so no one key gets hot. This reads the oldest items across all of them.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GSI, RECONCILE_SHARDS } from './table-design.js';

/** Up to `limit` items of every shard of `prefix`, oldest sort key first; only those due by `until` when given. */
export const queryShards = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
  opts: { limit: number; until?: string },
): Promise<Record<string, unknown>[]> => {
  const { partitionKey, sortKey } = GSI.reconcile;
  const perShard = await Promise.all(
    Array.from({ length: RECONCILE_SHARDS }, (_, shard) =>
      db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI.reconcile.name,
          KeyConditionExpression: opts.until === undefined ? '#p = :p' : '#p = :p AND #s <= :until',
          ExpressionAttributeNames: { '#p': partitionKey, ...(opts.until === undefined ? {} : { '#s': sortKey }) },
          ExpressionAttributeValues: { ':p': `${prefix}${shard}`, ...(opts.until === undefined ? {} : { ':until': opts.until }) },
          Limit: opts.limit,
        }),
      ),
    ),
  );
  return perShard
    .flatMap((out) => out.Items ?? [])
    .sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])))
    .slice(0, opts.limit);
};

/**
 * One page of every shard of `prefix` (up to `limit` items per shard), with the cursor for the
 * next: each shard resumes after its own last key, and a shard read to its end is left out.
 * So a pass can read the whole index, not only its oldest `limit` items, which stay first
 * while nothing changes them.
 */
export const queryShardsPage = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
  opts: { limit: number; cursor?: string; partitions?: readonly number[] },
): Promise<{ items: Record<string, unknown>[]; cursor?: string }> => {
  const { partitionKey } = GSI.reconcile;
  const partitions = opts.partitions ?? Array.from({ length: RECONCILE_SHARDS }, (_, p) => p);
  // The cursor holds one start key per partition read (in `partitions` order).
  const starts: (Record<string, unknown> | null | undefined)[] = opts.cursor
    ? (JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) as (Record<string, unknown> | null)[])
    : partitions.map(() => undefined);
  const pages = await Promise.all(
    starts.map((start, i) =>
      start === null
        ? undefined // this shard was read to its end
        : db.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: GSI.reconcile.name,
              KeyConditionExpression: '#p = :p',
              ExpressionAttributeNames: { '#p': partitionKey },
              ExpressionAttributeValues: { ':p': `${prefix}${partitions[i]}` },
              Limit: opts.limit,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          ),
    ),
  );
  const next = pages.map((out) => (out?.LastEvaluatedKey as Record<string, unknown> | undefined) ?? null);
  const items = pages.flatMap((out) => out?.Items ?? []);
  return next.every((k) => k === null) ? { items } : { items, cursor: Buffer.from(JSON.stringify(next)).toString('base64url') };
};

/**
 * The index partitions pass shard `index` of `count` reads: those whose number is `index`
 * modulo `count`. A job's entry is in one partition (jobShard), so in exactly one pass shard.
 * More pass shards than partitions would leave some with nothing to do: refused.
 */
export const partitionsOfPassShard = (shard: { index: number; count: number }): number[] => {
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.count > RECONCILE_SHARDS) {
    throw new RangeError(`reconcile pass shards must be 1..${RECONCILE_SHARDS} (the index's partitions), not ${shard.count}`);
  }
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`reconcile pass shard ${shard.index} is not in 0..${shard.count - 1}`);
  }
  return Array.from({ length: RECONCILE_SHARDS }, (_, p) => p).filter((p) => p % shard.count === shard.index);
};
