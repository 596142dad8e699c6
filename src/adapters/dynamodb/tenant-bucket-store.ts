// The tenant's own outputs bucket (TenantBucketSetting) on DynamoDB: pk=TENANT#<tenantId>
// sk=OUTPUTS_BUCKET. It holds names only (bucket, region, role ARN, external id), never a credential.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantBucketSetting, TenantBucketStore } from '../../core/tenant-bucket.js';

const key = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'OUTPUTS_BUCKET' });

export class DynamoTenantBucketStore implements TenantBucketStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<TenantBucketSetting | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(tenantId), ConsistentRead: true }));
    return out.Item?.setting as TenantBucketSetting | undefined;
  }

  async put(tenantId: string, setting: TenantBucketSetting): Promise<void> {
    const { bucket, region, roleArn, externalId } = setting;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...key(tenantId), setting: { bucket, region, roleArn, externalId } } }));
  }

  async delete(tenantId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(tenantId) }));
  }
}
