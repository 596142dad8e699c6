// The API's security dependencies in AWS, and the webhook deliverer's.
import { systemClock } from '../core/ports.js';
import { DEFAULT_RATE_LIMIT, DynamoRateLimiter } from '../ratelimit/token-bucket.js';
import { STRICT_POLICY } from '../webhooks/address-policy.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookDeliveryDeps } from '../webhooks/deliverer.js';
import { DynamoOutbox } from '../webhooks/outbox.js';
import { signingSecrets } from '../adapters/dynamodb/webhook-secrets.js';
import { db, log, readSecretText, store, tableName, tenants } from './base.js';

/**
 * Per-key rate limits in the table, the operator key from Secrets Manager (cached 5
 * minutes, so a put-secret-value rotation lands within that), and strict webhook URLs
 * (https, public addresses only).
 */
export const apiSecurity = {
  rateLimiter: new DynamoRateLimiter(db, tableName, {
    ratePerSecond: Number(process.env.RATE_LIMIT_PER_SECOND ?? DEFAULT_RATE_LIMIT.ratePerSecond),
    burst: Number(process.env.RATE_LIMIT_BURST ?? DEFAULT_RATE_LIMIT.burst),
  }),
  adminKey: async (): Promise<string | undefined> => {
    const arn = process.env.ADMIN_KEY_SECRET_ARN;
    const value = arn ? await readSecretText(arn) : undefined;
    return typeof value === 'string' && value.length >= 32 ? value : undefined;
  },
  webhookPolicy: STRICT_POLICY,
};

export const webhookDeliveryDeps = (): WebhookDeliveryDeps => ({
  outbox: new DynamoOutbox(db, tableName),
  secretsFor: async (tenantId, now) => signingSecrets(await tenants.webhookSecrets(tenantId), now),
  jobs: store,
  policy: STRICT_POLICY,
  clock: systemClock,
  config: DEFAULT_WEBHOOK_CONFIG,
  log,
});
