// Lambda entry point for the reconciler (EventBridge schedule).
import { createReconcileHandler } from '../src/handlers/reconcile-handler.js';
import { dynamo, logger, sqs } from '../src/aws/base.js';
import { reconcileDeps } from '../src/aws/job-path.js';
import { withMetrics } from '../src/aws/metrics.js';
import { traceClients, withTracing } from '../src/aws/tracing.js';

traceClients(dynamo, sqs);

export const handler = withMetrics(
  // The schedule's event names this invocation's shard of the pass when there are several.
  withTracing('reconcile', async (event?: { shard?: number; shards?: number }) => {
    const summary = await createReconcileHandler(await reconcileDeps())(event);
    logger.info('reconcile run', { ...summary });
    return summary;
  }),
);
