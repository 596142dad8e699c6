// Lambda entry point for webhook delivery (EventBridge schedule): delivers due outbox items.
import { createWebhookHandler } from '../src/handlers/webhook-handler.js';
import { dynamo, logger } from '../src/aws/base.js';
import { webhookDeliveryDeps } from '../src/aws/security.js';
import { withMetrics } from '../src/aws/metrics.js';
import { traceClients, withTracing } from '../src/aws/tracing.js';

traceClients(dynamo);
const deliver = createWebhookHandler(webhookDeliveryDeps());

export const handler = withMetrics(
  withTracing('webhooks', async () => {
    const summary = await deliver();
    logger.info('webhook run', { ...summary });
    return summary;
  }),
);
