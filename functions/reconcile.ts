// Lambda entry point for the reconciler (EventBridge schedule).
import { createReconcileHandler } from '../src/handlers/reconcile-handler.js';
import { logger, reconcileDeps } from '../src/aws/runtime.js';

export const handler = async () => {
  const summary = await createReconcileHandler(await reconcileDeps())();
  logger.info('reconcile run', { ...summary });
  return summary;
};
