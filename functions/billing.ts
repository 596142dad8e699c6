// Lambda entry point for the monthly billing run (EventBridge schedule).
import { createBillingHandler, type BillingEvent } from '../src/handlers/billing-handler.js';
import { logger } from '../src/aws/base.js';
import { billingRun } from '../src/aws/money.js';

export const handler = async (event: BillingEvent = {}) => {
  const summary = await createBillingHandler((period) => billingRun(period))(event);
  logger.info('billing run', { ...summary });
  return summary;
};
