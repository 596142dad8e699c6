// What every Lambda function shares, built once per container from the environment the
// CDK stack sets: the logger, the table's stores and the jobs queue. Each function
// imports only the other src/aws modules it needs, so its bundle carries nothing more
// (the dispatcher has no Stripe, no chain clients).
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClient, documentClientOf } from '../adapters/dynamodb/client.js';
import { DynamoJobStore } from '../adapters/dynamodb/job-store.js';
import { DynamoTenantStore } from '../adapters/dynamodb/tenant-store.js';
import { SqsJobQueue } from '../adapters/queue/sqs-queue.js';
import { MeteredJobStore } from '../observability/metered-job-store.js';
import { powertoolsJobMetrics } from './metrics.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};

export const logger = new Logger();
export const log = (message: string, fields?: Record<string, unknown>) => logger.warn(message, fields ?? {});

/** The raw SDK clients, exported so the worker functions can trace them (src/aws/tracing.ts). */
export const dynamo = createDynamoClient();
export const sqs = new SQSClient({});
export const db = documentClientOf(dynamo);
export const tableName = required('TABLE_NAME');
// Counted as written: jobs submitted, placed, failed over, ended; dispatch latency (EMF).
export const store = new MeteredJobStore(new DynamoJobStore(db, tableName), powertoolsJobMetrics());
export const tenants = new DynamoTenantStore(db, tableName);
export const queue = new SqsJobQueue(sqs, required('QUEUE_URL'));

// Powertools' secrets provider (and the Secrets Manager client under it) loads on the first read.
const secretsProvider = () => import('@aws-lambda-powertools/parameters/secrets');

/** A JSON secret from Secrets Manager, cached for 5 minutes so a rotation lands without a redeploy. */
export const readSecretJson = async (arn: string) => (await secretsProvider()).getSecret(arn, { transform: 'json', maxAge: 300 });
export const readSecretText = async (arn: string) => (await secretsProvider()).getSecret(arn, { maxAge: 300 });
