// Lambda entry point for the reconciler (EventBridge schedule).
import { createReconcileHandler } from '../src/handlers/reconcile-handler.js';
import { dynamo, logger, sqs } from '../src/aws/base.js';
import { reconcileDeps } from '../src/aws/job-path.js';
import { withMetrics } from '../src/aws/metrics.js';
import { traceClients, withTracing } from '../src/aws/tracing.js';

traceClients(dynamo, sqs);

export const handler = withMetrics(
  withTracing('reconcile', async () => {
    const summary = await createReconcileHandler(await reconcileDeps())();
    logger.info('reconcile run', { ...summary });
    return summary;
  }),
);
