// Lambda entry point for the HTTP API (API Gateway HTTP API -> Hono): every route but the
// payment ones, which API Gateway sends to functions/payments.ts. Those are still described
// in this function's /openapi.json, so the document stays whole.
import { handle } from 'hono/aws-lambda';
import { composeApp } from '../src/api/app-factory.js';
import { API_FUNCTION } from '../src/api/app.js';
import { systemClock } from '../src/core/ports.js';
import { DynamoProviderStatsStore } from '../src/adapters/dynamodb/provider-stats-store.js';
import { db, log, queue, store, tableName, tenants } from '../src/aws/base.js';
import { providersWithCredentials } from '../src/aws/providers.js';
import { catalogueCloudAdapters } from '../src/providers/cloud-catalogues.js';
import { money } from '../src/aws/money.js';
import { apiSecurity } from '../src/aws/security.js';
import { withMetrics } from '../src/aws/metrics.js';
import { runTimeApiDeps, secrets, withLogRedaction } from '../src/aws/runtime.js';
import { agentApiDeps } from '../src/aws/agent.js';

const agent = withLogRedaction(agentApiDeps());
const runTime = agent ? runTimeApiDeps() : undefined;

const app = composeApp(
  {
  jobs: {
    store,
    queue,
    clock: systemClock,
    accounting: money.accounting,
    onEnqueueError: (jobId, error) => log('enqueue failed', { jobId, error: String(error) }),
  },
  tenants,
  // Quotes and GET /v1/providers ask the providers for live offers and catalogs; the clouds'
  // come from their catalogues, so no Batch client and no Google auth library here.
  providers: await providersWithCredentials(catalogueCloudAdapters),
  stats: new DynamoProviderStatsStore(db, tableName),
  money: money.api,
  ...(secrets ? { secrets } : {}),
  log,
  ...apiSecurity,
  // The job agent's routes and job logs, once the stack provides the buckets and the token key.
  ...(agent ? { agent } : {}),
  // Outputs and checkpoints (the agent's run-time routes, GET /v1/jobs/{id}/outputs).
  ...(runTime ? { runTime } : {}),
  },
  API_FUNCTION,
);

// Business metrics (EMF) flushed per request; tracing is Lambda's own segment (src/aws/tracing.ts says why).
export const handler = withMetrics(handle(app));
