// A tenant's webhook signing secrets on DynamoDB: pk=TENANT#<tenantId> sk=WEBHOOK_SECRET
// holding the current secret and, after a rotation, the previous one with the end of its
// overlap. Created on first use; a rotation is one conditional write (with its audit event),
// so two racing rotations cannot both keep the same "previous".
import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, type AuditEvent, type WebhookSecrets } from '../../core/ports.js';

const secretKey = (id: string) => ({ pk: `TENANT#${id}`, sk: 'WEBHOOK_SECRET' });
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const fromItem = (i: Record<string, unknown>): WebhookSecrets => ({
  secret: i.secret as string,
  createdAt: i.createdAt as string,
  ...(i.previousSecret && i.previousExpiresAt ? { previous: { secret: i.previousSecret as string, expiresAt: i.previousExpiresAt as string } } : {}),
});

export class DynamoWebhookSecrets {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly auditItem: (e: AuditEvent) => Record<string, unknown>,
  ) {}

  async get(tenantId: string): Promise<WebhookSecrets> {
    const existing = await this.read(tenantId);
    if (existing) return existing;
    const item = { ...secretKey(tenantId), secret: newSecret(), createdAt: new Date().toISOString() };
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return fromItem(item);
    } catch {
      // Two first uses raced: the one that was stored is the secret.
      const stored = await this.read(tenantId);
      if (!stored) throw new Error('webhook secret could not be created');
      return stored;
    }
  }

  /**
   * A new current secret; the one it replaces keeps signing until `at + overlapSeconds`
   * (not at all with 0). A secret still in an earlier overlap is dropped: at most two sign.
   */
  async rotate(tenantId: string, at: Date, overlapSeconds: number, audit: AuditEvent): Promise<WebhookSecrets> {
    const current = await this.get(tenantId);
    const next: WebhookSecrets = {
      secret: newSecret(),
      createdAt: at.toISOString(),
      ...(overlapSeconds > 0 ? { previous: { secret: current.secret, expiresAt: new Date(at.getTime() + overlapSeconds * 1000).toISOString() } } : {}),
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...secretKey(tenantId),
                  secret: next.secret,
                  createdAt: next.createdAt,
                  ...(next.previous ? { previousSecret: next.previous.secret, previousExpiresAt: next.previous.expiresAt } : {}),
                },
                ConditionExpression: 'secret = :seen',
                ExpressionAttributeValues: { ':seen': current.secret },
              },
            },
            { Put: { TableName: this.tableName, Item: this.auditItem(audit) } },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConflictError('the webhook secret was rotated at the same time; read it again');
      throw error;
    }
    return next;
  }

  private async read(tenantId: string): Promise<WebhookSecrets | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: secretKey(tenantId), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }
}

/** The secrets that sign at `now`: the current one first, then the previous one while its overlap lasts. */
export const signingSecrets = (s: WebhookSecrets, now: Date): string[] =>
  s.previous && Date.parse(s.previous.expiresAt) > now.getTime() ? [s.secret, s.previous.secret] : [s.secret];
