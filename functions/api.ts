// Lambda entry point for the HTTP API (API Gateway HTTP API -> Hono).
import { handle } from 'hono/aws-lambda';
import { createApp } from '../src/api/app.js';
import { systemClock } from '../src/core/ports.js';
import { DynamoProviderStatsStore } from '../src/adapters/dynamodb/provider-stats-store.js';
import { db, log, queue, store, tableName, tenants } from '../src/aws/base.js';
import { providersWithCredentials } from '../src/aws/job-path.js';
import { money } from '../src/aws/money.js';
import { apiSecurity } from '../src/aws/security.js';
import { agentApiDeps } from '../src/aws/agent.js';

const agent = agentApiDeps();

const app = createApp({
  jobs: {
    store,
    queue,
    clock: systemClock,
    accounting: money.accounting,
    onEnqueueError: (jobId, error) => log('enqueue failed', { jobId, error: String(error) }),
  },
  tenants,
  // Quotes and GET /v1/providers ask the providers for live offers and catalogs.
  providers: await providersWithCredentials(),
  stats: new DynamoProviderStatsStore(db, tableName),
  money: money.api,
  log,
  ...apiSecurity,
  // The job agent's routes and job logs, once the stack provides the buckets and the token key.
  ...(agent ? { agent } : {}),
});

export const handler = handle(app);
