import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, TenantRecord, TenantStore } from '../../core/ports.js';

export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putTenant(tenant: TenantRecord): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `TENANT#${tenant.id}`, sk: 'TENANT', tenant } }),
    );
  }

  async getTenant(id: string): Promise<TenantRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `TENANT#${id}`, sk: 'TENANT' } }));
    return out.Item?.tenant as TenantRecord | undefined;
  }

  async putKey(key: ApiKeyRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `KEY#${key.keyId}`, sk: 'KEY', key } }));
  }

  async getKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `KEY#${keyId}`, sk: 'KEY' } }));
    return out.Item?.key as ApiKeyRecord | undefined;
  }
}
