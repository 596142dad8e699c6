// Dependencies of the Lambda functions, built once per container from the environment
// the CDK stack sets. Secrets are read at run time through Powertools (cached), never
// baked into a bundle.
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createDynamoClient, documentClientOf } from '../adapters/dynamodb/client.js';
import { DynamoJobStore } from '../adapters/dynamodb/job-store.js';
import { DynamoProviderStatsStore } from '../adapters/dynamodb/provider-stats-store.js';
import { DynamoTenantStore } from '../adapters/dynamodb/tenant-store.js';
import { SqsJobQueue } from '../adapters/queue/sqs-queue.js';
import { DEFAULT_DISPATCH_CONFIG } from '../core/dispatch.js';
import { systemClock } from '../core/ports.js';
import { registryOf, type ProviderRegistry } from '../core/provider.js';
import { DEFAULT_RECONCILE_CONFIG, type ReconcileDeps } from '../core/reconcile.js';
import { buildProviders, type ProviderCredentials } from '../providers/registry.js';
import { DEFAULT_RATE_LIMIT, DynamoRateLimiter } from '../ratelimit/token-bucket.js';
import { STRICT_POLICY } from '../webhooks/address-policy.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookDeliveryDeps } from '../webhooks/deliverer.js';
import { DynamoOutbox } from '../webhooks/outbox.js';
import { composeMoney } from '../billing/compose.js';
import { billingOptionsFromEnvironment, moneyOptionsFromEnvironment } from '../billing/environment.js';
import type { TenantBillingResult } from '../billing/billing-run.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};

export const logger = new Logger();
const log = (message: string, fields?: Record<string, unknown>) => logger.warn(message, fields ?? {});

const db = documentClientOf(createDynamoClient());
const tableName = required('TABLE_NAME');
export const store = new DynamoJobStore(db, tableName);
export const tenants = new DynamoTenantStore(db, tableName);
export const providerStats = new DynamoProviderStatsStore(db, tableName);
export const queue = new SqsJobQueue(new SQSClient({}), required('QUEUE_URL'));

const readSecretJson = (arn: string) => getSecret(arn, { transform: 'json', maxAge: 300 });
/** Ledger, billing accounts, accounting (admit/hold/settle) and the API's money routes. */
export const money = composeMoney(db, tableName, systemClock, moneyOptionsFromEnvironment(process.env, readSecretJson));
/** The monthly billing run, with the Stripe API key loaded from Secrets Manager. */
export const billingRun = async (period?: string): Promise<TenantBillingResult[]> =>
  composeMoney(db, tableName, systemClock, await billingOptionsFromEnvironment(process.env, readSecretJson)).runBilling(period, log);

const enabledProviders = (): string[] =>
  (process.env.ENABLED_PROVIDERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Providers with credentials from Secrets Manager (cached for 5 minutes by Powertools). */
export const providersWithCredentials = async (): Promise<ProviderRegistry> => {
  const arn = process.env.PROVIDER_SECRETS_ARN;
  const credentials = arn ? ((await getSecret(arn, { transform: 'json', maxAge: 300 })) as ProviderCredentials) : {};
  return registryOf(buildProviders(enabledProviders(), credentials ?? {}));
};

/** Providers for display only (the API has no provider credentials): catalog and enabled state. */
export const providersForDisplay = (): ProviderRegistry => registryOf(buildProviders(enabledProviders(), {}));

export const reconcileDeps = async (): Promise<ReconcileDeps> => ({
  store,
  queue,
  providers: await providersWithCredentials(),
  clock: systemClock,
  stats: providerStats,
  accounting: money.accounting,
  config: DEFAULT_DISPATCH_CONFIG,
  reconcile: DEFAULT_RECONCILE_CONFIG,
  log,
});

/**
 * The API's security dependencies in AWS: per-key rate limits in the table, the operator
 * key from Secrets Manager (cached 5 minutes, so a put-secret-value rotation lands within
 * that), and strict webhook URLs (https, public addresses only).
 */
export const apiSecurity = {
  rateLimiter: new DynamoRateLimiter(db, tableName, {
    ratePerSecond: Number(process.env.RATE_LIMIT_PER_SECOND ?? DEFAULT_RATE_LIMIT.ratePerSecond),
    burst: Number(process.env.RATE_LIMIT_BURST ?? DEFAULT_RATE_LIMIT.burst),
  }),
  adminKey: async (): Promise<string | undefined> => {
    const arn = process.env.ADMIN_KEY_SECRET_ARN;
    const value = arn ? await getSecret(arn, { maxAge: 300 }) : undefined;
    return typeof value === 'string' && value.length >= 32 ? value : undefined;
  },
  webhookPolicy: STRICT_POLICY,
};

export const webhookDeliveryDeps = (): WebhookDeliveryDeps => ({
  outbox: new DynamoOutbox(db, tableName),
  secretFor: (tenantId) => tenants.webhookSecret(tenantId),
  policy: STRICT_POLICY,
  clock: systemClock,
  config: DEFAULT_WEBHOOK_CONFIG,
  log,
});

export { log };
