// Tenants, their API keys, the audit trail and webhook secrets on DynamoDB.
//
// Items (the shared table; see ./table-design.ts for the job items)
//   tenant             pk=TENANT#<tenantId>  sk=TENANT
//   webhook secrets    pk=TENANT#<tenantId>  sk=WEBHOOK_SECRET   (./webhook-secrets.ts)
//   API key            pk=KEY#<keyId>        sk=KEY     gsi1pk=KEYS#<tenantId>  gsi1sk=<createdAt>#<keyId>
//   audit event        pk=AUDIT#<id>         sk=AUDIT   gsi1pk=AUDIT           gsi1sk=<at>#<id>
//                                                       gsi2pk=AUDIT#<tenantId> gsi2sk=<at>#<id>
// Keys and audit events reuse gsi1/gsi2 under their own partition prefixes, which can never
// collide with a job's TENANT#… partitions there.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type ApiKeyRecord,
  type AuditEvent,
  type AuditPage,
  type TenantRecord,
  type TenantStore,
  type WebhookSecrets,
} from '../../core/ports.js';
import { DynamoWebhookSecrets } from './webhook-secrets.js';
import { queryNewestFirst } from './cursor.js';
import { GSI } from './table-design.js';

const tenantKey = (id: string) => ({ pk: `TENANT#${id}`, sk: 'TENANT' });
const keyKey = (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' });

const keyItem = (key: ApiKeyRecord) => ({
  ...keyKey(key.keyId),
  key,
  [GSI.tenantJobs.partitionKey]: `KEYS#${key.tenantId}`,
  [GSI.tenantJobs.sortKey]: `${key.createdAt}#${key.keyId}`,
});

/** The audit event's item; other stores write it in their own transactions (billing terms). */
export const auditItem = (e: AuditEvent) => ({
  pk: `AUDIT#${e.id}`,
  sk: 'AUDIT',
  audit: e,
  [GSI.tenantJobs.partitionKey]: 'AUDIT',
  [GSI.tenantJobs.sortKey]: `${e.at}#${e.id}`,
  ...(e.tenantId
    ? { [GSI.tenantStatusJobs.partitionKey]: `AUDIT#${e.tenantId}`, [GSI.tenantStatusJobs.sortKey]: `${e.at}#${e.id}` }
    : {}),
});

const cancelled = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

export class DynamoTenantStore implements TenantStore {
  private readonly secrets: DynamoWebhookSecrets;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.secrets = new DynamoWebhookSecrets(db, tableName, auditItem);
  }

  async putTenant(tenant: TenantRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...tenantKey(tenant.id), tenant } }));
  }

  async getTenant(id: string): Promise<TenantRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: tenantKey(id), ConsistentRead: true }));
    return out.Item?.tenant as TenantRecord | undefined;
  }

  async createTenant(tenant: TenantRecord, audit: AuditEvent): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName, Item: { ...tenantKey(tenant.id), tenant }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName, Item: auditItem(audit) } },
          ],
        }),
      );
    } catch (error) {
      if (cancelled(error, 0)) throw new ConflictError(`a tenant with id "${tenant.id}" already exists`);
      throw error;
    }
  }

  async putKey(key: ApiKeyRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: keyItem(key) }));
  }

  async getKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    // Consistent: a revocation must take effect on the very next request.
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keyKey(keyId), ConsistentRead: true }));
    return out.Item?.key as ApiKeyRecord | undefined;
  }

  async createKey(key: ApiKeyRecord, audit: AuditEvent): Promise<void> {
    const TableName = this.tableName;
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: keyItem(key), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName, Item: auditItem(audit) } },
        ],
      }),
    );
  }

  async revokeKey(keyId: string, at: string, audit: AuditEvent): Promise<ApiKeyRecord | undefined> {
    const TableName = this.tableName;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: keyKey(keyId),
                UpdateExpression: 'SET #k.revokedAt = :at',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#k.revokedAt)',
                ExpressionAttributeNames: { '#k': 'key' },
                ExpressionAttributeValues: { ':at': at },
              },
            },
            { Put: { TableName, Item: auditItem(audit) } },
          ],
        }),
      );
    } catch (error) {
      // Missing or already revoked: nothing changes and no second audit event is written.
      if (!cancelled(error, 0)) throw error;
    }
    return this.getKey(keyId);
  }

  async listKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    const keys: ApiKeyRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI.tenantJobs.name,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': GSI.tenantJobs.partitionKey },
          ExpressionAttributeValues: { ':p': `KEYS#${tenantId}` },
          ExclusiveStartKey: start,
        }),
      );
      keys.push(...(out.Items ?? []).map((i) => i.key as ApiKeyRecord));
      start = out.LastEvaluatedKey;
    } while (start);
    return keys;
  }

  async recordAudit(event: AuditEvent): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: auditItem(event) }));
  }

  async listAudit(opts: { tenantId?: string; limit: number; cursor?: string }): Promise<AuditPage> {
    const index = opts.tenantId ? GSI.tenantStatusJobs : GSI.tenantJobs;
    const partition = opts.tenantId ? `AUDIT#${opts.tenantId}` : 'AUDIT';
    const page = await queryNewestFirst(this.db, this.tableName, index, partition, {
      ...opts,
      accept: (key) => key.sk === 'AUDIT' && (key.pk ?? '').startsWith('AUDIT#'),
    });
    const items = page.items.map((i) => i.audit as AuditEvent);
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  }

  async webhookSecret(tenantId: string): Promise<string> {
    return (await this.webhookSecrets(tenantId)).secret;
  }

  webhookSecrets(tenantId: string): Promise<WebhookSecrets> {
    return this.secrets.get(tenantId);
  }

  rotateWebhookSecret(tenantId: string, at: Date, overlapSeconds: number, audit: AuditEvent): Promise<WebhookSecrets> {
    return this.secrets.rotate(tenantId, at, overlapSeconds, audit);
  }
}
