// Page cursors for index queries: the LastEvaluatedKey, base64url JSON. A cursor from the
// client is checked before it reaches DynamoDB: it must hold exactly the table's and the
// index's key attributes (DynamoDB rejects any other start key with an error that would
// surface as a 500), and it must stay in the caller's own partition (never another tenant's).
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from './table-design.js';

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
  }
}

const MAX_VALUE_CHARS = 1024;

export const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export const decodeCursor = (
  cursor: string,
  index: { partitionKey: string; sortKey: string },
  partition: string,
  accept: (key: Record<string, string>) => boolean = () => true,
): Record<string, string> => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new InvalidCursorError();
  const record = key as Record<string, unknown>;
  const expected = [...new Set([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.partitionKey, index.sortKey])].sort();
  const names = Object.keys(record).sort();
  const wellFormed =
    names.length === expected.length &&
    names.every((n, i) => n === expected[i]) &&
    Object.values(record).every((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_VALUE_CHARS) &&
    record[index.partitionKey] === partition;
  if (!wellFormed || !accept(record as Record<string, string>)) throw new InvalidCursorError();
  return record as Record<string, string>;
};

/** One page of an index partition, newest first, continuing from a client's cursor. */
export const queryNewestFirst = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  index: { name: string; partitionKey: string; sortKey: string },
  partition: string,
  page: { limit: number; cursor?: string; accept?: (key: Record<string, string>) => boolean },
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> => {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': index.partitionKey },
      ExpressionAttributeValues: { ':p': partition },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: page.cursor ? decodeCursor(page.cursor, index, partition, page.accept) : undefined,
    }),
  );
  const items = out.Items ?? [];
  return out.LastEvaluatedKey ? { items, nextCursor: encodeCursor(out.LastEvaluatedKey) } : { items };
};
