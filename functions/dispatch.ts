// Lambda entry point for the jobs queue (SQS event source, ReportBatchItemFailures).
import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import type { ReconcileDeps } from '../src/core/reconcile.js';
import { createDispatchHandler } from '../src/handlers/dispatch-handler.js';
import { reconcileDeps } from '../src/aws/job-path.js';
import { dynamo, sqs } from '../src/aws/base.js';
import { withMetrics } from '../src/aws/metrics.js';
import { traceClients, withTracing } from '../src/aws/tracing.js';

traceClients(dynamo, sqs);

// One handler per set of dependencies: rebuilt only when the providers are refreshed.
let current: { deps: ReconcileDeps; handle: (event: SQSEvent) => Promise<SQSBatchResponse> } | undefined;

export const handler = withMetrics(
  withTracing('dispatch', async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = await reconcileDeps();
    if (current?.deps !== deps) current = { deps, handle: createDispatchHandler(deps) };
    return current.handle(event);
  }),
);
