import { deliverDueWebhooks, type DeliverySummary, type WebhookDeliveryDeps } from '../webhooks/deliverer.js';

/** The scheduled webhook delivery handler, shared by the Lambda entry point and local mode. */
export const createWebhookHandler = (deps: WebhookDeliveryDeps) => async (): Promise<DeliverySummary> => deliverDueWebhooks(deps);
