// Lambda entry point for the reconciler (EventBridge schedule).
import { createReconcileHandler } from '../src/handlers/reconcile-handler.js';
import { logger } from '../src/aws/base.js';
import { reconcileDeps } from '../src/aws/job-path.js';

export const handler = async () => {
  const summary = await createReconcileHandler(await reconcileDeps())();
  logger.info('reconcile run', { ...summary });
  return summary;
};
