// Lambda entry point for webhook delivery (EventBridge schedule): delivers due outbox items.
import { createWebhookHandler } from '../src/handlers/webhook-handler.js';
import { logger } from '../src/aws/base.js';
import { webhookDeliveryDeps } from '../src/aws/security.js';

const deliver = createWebhookHandler(webhookDeliveryDeps());

export const handler = async () => {
  const summary = await deliver();
  logger.info('webhook run', { ...summary });
  return summary;
};
