// Lambda entry point for the monthly billing run (EventBridge schedule).
import { createBillingHandler, type BillingEvent } from '../src/handlers/billing-handler.js';
import { dynamo, logger } from '../src/aws/base.js';
import { billingRun } from '../src/aws/billing.js';
import { withMetrics } from '../src/aws/metrics.js';
import { traceClients, withTracing } from '../src/aws/tracing.js';

traceClients(dynamo);

export const handler = withMetrics(
  withTracing('billing', async (event: BillingEvent = {}) => {
    const summary = await createBillingHandler((period) => billingRun(period))(event);
    logger.info('billing run', { ...summary });
    return summary;
  }),
);
