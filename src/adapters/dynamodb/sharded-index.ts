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
  opts: { limit: number; cursor?: string },
): Promise<{ items: Record<string, unknown>[]; cursor?: string }> => {
  const { partitionKey } = GSI.reconcile;
  const starts: (Record<string, unknown> | null | undefined)[] = opts.cursor
    ? (JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) as (Record<string, unknown> | null)[])
    : Array.from({ length: RECONCILE_SHARDS }, () => undefined);
  const pages = await Promise.all(
    starts.map((start, shard) =>
      start === null
        ? undefined // this shard was read to its end
        : db.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: GSI.reconcile.name,
              KeyConditionExpression: '#p = :p',
              ExpressionAttributeNames: { '#p': partitionKey },
              ExpressionAttributeValues: { ':p': `${prefix}${shard}` },
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
