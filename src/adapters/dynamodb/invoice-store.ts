// Invoice records and processed Stripe events on DynamoDB. Key design: ./table-design.ts.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FINAL_INVOICE_STATUSES, type InvoiceRecord, type InvoiceStore } from '../../billing/invoices.js';
import { TTL_ATTRIBUTE, billingKeys } from './table-design.js';

/** Stripe retries deliveries for up to three days; remember event ids well past that. */
const EVENT_TTL_SECONDS = 30 * 24 * 3600;

export class DynamoInvoiceStore implements InvoiceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, period: string): Promise<InvoiceRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: billingKeys.invoice(tenantId, period), ConsistentRead: true }));
    return out.Item?.invoice as InvoiceRecord | undefined;
  }

  async saveDraft(tenantId: string, period: string, stripeInvoiceId: string, at: string): Promise<void> {
    const invoice: InvoiceRecord = { tenantId, period, stripeInvoiceId, status: 'draft', updatedAt: at };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...billingKeys.invoice(tenantId, period), invoice }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: { ...billingKeys.stripeInvoice(stripeInvoiceId), tenantId, period } } },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const existing = await this.get(tenantId, period);
      // Another run recorded the same draft first: fine. A different draft is a bug worth stopping on.
      if (existing?.stripeInvoiceId !== stripeInvoiceId) throw new Error(`invoice ${tenantId}/${period} already has Stripe invoice ${existing?.stripeInvoiceId}`);
    }
  }

  async update(tenantId: string, period: string, patch: Partial<Pick<InvoiceRecord, 'status' | 'totalCents' | 'paymentFailedAt'>>, at: string): Promise<void> {
    const names: Record<string, string> = { '#inv': 'invoice', '#u': 'updatedAt' };
    const values: Record<string, unknown> = { ':u': at };
    const sets = ['#inv.#u = :u'];
    for (const [key, value] of Object.entries(patch)) {
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#inv.#${key} = :${key}`);
    }
    // A paid or voided invoice keeps its status whatever arrives later (events come out of order).
    const guarded = patch.status !== undefined;
    if (guarded) [...FINAL_INVOICE_STATUSES].forEach((s, i) => (values[`:final${i}`] = s));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: billingKeys.invoice(tenantId, period),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: guarded
            ? `attribute_exists(pk) AND NOT (#inv.#status IN (${[...FINAL_INVOICE_STATUSES].map((_, i) => `:final${i}`).join(', ')}))`
            : 'attribute_exists(pk)',
          ExpressionAttributeNames: guarded ? { ...names, '#status': 'status' } : names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async findByStripeId(stripeInvoiceId: string): Promise<{ tenantId: string; period: string } | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: billingKeys.stripeInvoice(stripeInvoiceId), ConsistentRead: true }));
    return out.Item ? { tenantId: out.Item.tenantId as string, period: out.Item.period as string } : undefined;
  }

  async hasEvent(eventId: string): Promise<boolean> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: billingKeys.stripeEvent(eventId), ConsistentRead: true }));
    return out.Item !== undefined;
  }

  async claimEvent(eventId: string, type: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...billingKeys.stripeEvent(eventId), type, at, [TTL_ATTRIBUTE]: Math.floor(Date.parse(at) / 1000) + EVENT_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
