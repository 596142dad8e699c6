// A newest-first index page narrowed by a DynamoDB filter, with exact paging. A filter
// runs after Limit, so a plain filtered query returns short or empty pages; this one reads
// on until the page is full, and when a read matched more than fits, the cursor is the key
// of the last item returned (not DynamoDB's LastEvaluatedKey), so nothing is skipped.
// Reads per page are bounded: a very selective filter yields a short page and a cursor.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor.js';
import { TABLE_KEYS } from './table-design.js';

export interface ItemFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** Items a filtered page may evaluate before it returns what it has. */
const MAX_EVALUATED_PER_PAGE = 2000;
const READ_CHUNK = 200;

export const queryNewestFirstFiltered = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  index: { name: string; partitionKey: string; sortKey: string },
  partition: string,
  filter: ItemFilter,
  page: { limit: number; cursor?: string },
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined = page.cursor ? decodeCursor(page.cursor, index, partition) : undefined;
  let evaluated = 0;
  const keyOf = (item: Record<string, unknown>) =>
    Object.fromEntries([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.partitionKey, index.sortKey].map((k) => [k, item[k]]));
  for (;;) {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#p = :p',
        FilterExpression: filter.expression,
        ExpressionAttributeNames: { '#p': index.partitionKey, ...filter.names },
        ExpressionAttributeValues: { ':p': partition, ...filter.values },
        ScanIndexForward: false,
        Limit: READ_CHUNK,
        ExclusiveStartKey: start,
      }),
    );
    evaluated += out.ScannedCount ?? READ_CHUNK;
    const matched = out.Items ?? [];
    const room = page.limit - items.length;
    if (matched.length > room) {
      items.push(...matched.slice(0, room));
      return { items, nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) };
    }
    items.push(...matched);
    start = out.LastEvaluatedKey;
    if (!start) return { items };
    if (items.length === page.limit || evaluated >= MAX_EVALUATED_PER_PAGE) return { items, nextCursor: encodeCursor(start) };
  }
};

/** The filter for a job listing: items hold the job under `job`; every given pair must match. */
export const jobFilterExpression = (filter: { name?: string; metadata?: Record<string, string> }): ItemFilter | undefined => {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.name !== undefined) {
    Object.assign(names, { '#fjob': 'job', '#fspec': 'spec', '#fname': 'name' });
    values[':fname'] = filter.name;
    parts.push('#fjob.#fspec.#fname = :fname');
  }
  Object.entries(filter.metadata ?? {}).forEach(([key, value], i) => {
    Object.assign(names, { '#fjob': 'job', '#fspec': 'spec', '#fmeta': 'metadata', [`#fm${i}`]: key });
    values[`:fm${i}`] = value;
    parts.push(`#fjob.#fspec.#fmeta.#fm${i} = :fm${i}`);
  });
  return parts.length === 0 ? undefined : { expression: parts.join(' AND '), names, values };
};
