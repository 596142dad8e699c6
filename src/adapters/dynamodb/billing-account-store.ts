// Billing accounts on DynamoDB: terms in `config` (replaced as a whole by an admin), and
// state the system owns in their own attributes (Stripe customer, overdue invoices), so
// reconfiguring a tenant can never unblock it or lose its Stripe customer.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../core/ports.js';
import { auditItem } from './tenant-store.js';
import { defaultBillingAccount, type BillingAccount, type BillingAccountStore, type BillingConfig, type BillingMode } from '../../money/billing-account.js';
import { GSI, billingKeys } from './table-design.js';

const toAccount = (tenantId: string, item: Record<string, unknown> | undefined): BillingAccount => {
  if (!item) return defaultBillingAccount(tenantId);
  const config = (item.config as BillingConfig | undefined) ?? { mode: defaultBillingAccount(tenantId).mode };
  return {
    ...config,
    tenantId,
    ...(item.stripeCustomerId ? { stripeCustomerId: item.stripeCustomerId as string } : {}),
    overdueInvoiceIds: item.overdue instanceof Set ? [...(item.overdue as Set<string>)].sort() : [],
  };
};

export class DynamoBillingAccountStore implements BillingAccountStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<BillingAccount> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: billingKeys.account(tenantId), ConsistentRead: true }));
    return toAccount(tenantId, out.Item);
  }

  async configure(tenantId: string, config: BillingConfig, audit: AuditEvent): Promise<BillingAccount> {
    await this.writeTerms(tenantId, config, audit, false);
    return this.get(tenantId);
  }

  async initialize(tenantId: string, config: BillingConfig, audit: AuditEvent): Promise<boolean> {
    try {
      await this.writeTerms(tenantId, config, audit, true);
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** The terms and their audit event in one transaction: a change is never unaudited. */
  private async writeTerms(tenantId: string, config: BillingConfig, audit: AuditEvent, onlyIfUnset: boolean): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: billingKeys.account(tenantId),
              UpdateExpression: 'SET config = :c, tenantId = :t, #mp = :mp, #ms = :t',
              ...(onlyIfUnset ? { ConditionExpression: 'attribute_not_exists(config)' } : {}),
              ExpressionAttributeNames: { '#mp': GSI.tenantStatusJobs.partitionKey, '#ms': GSI.tenantStatusJobs.sortKey },
              ExpressionAttributeValues: { ':c': config, ':t': tenantId, ':mp': billingKeys.modeIndex(config.mode) },
            },
          },
          { Put: { TableName: this.tableName, Item: auditItem(audit), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  }

  async setStripeCustomer(tenantId: string, customerId: string): Promise<string> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: billingKeys.account(tenantId),
          UpdateExpression: 'SET stripeCustomerId = :id, tenantId = :t',
          ConditionExpression: 'attribute_not_exists(stripeCustomerId) OR stripeCustomerId = :id',
          ExpressionAttributeValues: { ':id': customerId, ':t': tenantId },
        }),
      );
      return customerId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(tenantId)).stripeCustomerId!;
    }
  }

  async markOverdue(tenantId: string, invoiceId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: billingKeys.account(tenantId),
        UpdateExpression: 'SET tenantId = :t ADD overdue :i',
        ExpressionAttributeValues: { ':t': tenantId, ':i': new Set([invoiceId]) },
      }),
    );
  }

  async clearOverdue(tenantId: string, invoiceId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: billingKeys.account(tenantId),
        UpdateExpression: 'SET tenantId = :t DELETE overdue :i',
        ExpressionAttributeValues: { ':t': tenantId, ':i': new Set([invoiceId]) },
      }),
    );
  }

  async listByMode(mode: BillingMode): Promise<BillingAccount[]> {
    const accounts: BillingAccount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI.tenantStatusJobs.name,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': GSI.tenantStatusJobs.partitionKey },
          ExpressionAttributeValues: { ':p': billingKeys.modeIndex(mode) },
          ExclusiveStartKey: start,
        }),
      );
      accounts.push(...(out.Items ?? []).map((item) => toAccount(item.tenantId as string, item)));
      start = out.LastEvaluatedKey;
    } while (start);
    return accounts;
  }
}
