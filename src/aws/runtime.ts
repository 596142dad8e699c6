// Dependencies of the Lambda functions, built once per container from the environment
// the CDK stack sets. Secrets are read at run time through Powertools (cached), never
// baked into a bundle.
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createDynamoClient, documentClientOf } from '../adapters/dynamodb/client.js';
import { DynamoJobStore } from '../adapters/dynamodb/job-store.js';
import { DynamoTenantStore } from '../adapters/dynamodb/tenant-store.js';
import { SqsJobQueue } from '../adapters/queue/sqs-queue.js';
import { DEFAULT_DISPATCH_CONFIG } from '../core/dispatch.js';
import { systemClock } from '../core/ports.js';
import { registryOf, type ProviderRegistry } from '../core/provider.js';
import { DEFAULT_RECONCILE_CONFIG, type ReconcileDeps } from '../core/reconcile.js';
import { buildProviders, type ProviderCredentials } from '../providers/registry.js';

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
export const queue = new SqsJobQueue(new SQSClient({}), required('QUEUE_URL'));

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
  config: DEFAULT_DISPATCH_CONFIG,
  reconcile: DEFAULT_RECONCILE_CONFIG,
  log,
});

export { log };
