// Tenant secrets on DynamoDB: pk=TENANT#<tenantId> sk=SECRET#<name>, holding only the sealed
// value (ciphertext, wrapped data key) and timestamps. Listing reads the tenant's partition.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretInfo, SecretStore, StoredSecret } from '../../secrets/secrets-service.js';

const PREFIX = 'SECRET#';
const secretKey = (tenantId: string, name: string) => ({ pk: `TENANT#${tenantId}`, sk: `${PREFIX}${name}` });
const infoOf = (item: Record<string, unknown>): SecretInfo => ({
  name: item.name as string,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

export class DynamoSecretStore implements SecretStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(secret: StoredSecret): Promise<SecretInfo> {
    const item = { ...secretKey(secret.tenantId, secret.name), ...secret };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
    return infoOf(item);
  }

  async get(tenantId: string, name: string): Promise<StoredSecret | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: secretKey(tenantId, name), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...secret } = out.Item;
    return secret as StoredSecret;
  }

  async list(tenantId: string): Promise<SecretInfo[]> {
    const items: SecretInfo[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': PREFIX },
          ProjectionExpression: '#n, createdAt, updatedAt',
          ExpressionAttributeNames: { '#n': 'name' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map(infoOf));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => a.name.localeCompare(b.name));
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const out = await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: secretKey(tenantId, name), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  async count(tenantId: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': PREFIX },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return count;
  }
}
