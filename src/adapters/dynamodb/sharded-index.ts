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
