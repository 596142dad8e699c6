import { reconcileOnce, type ReconcileDeps, type ReconcileSummary } from '../core/reconcile.js';

/** The scheduled reconcile handler, shared by the Lambda entry point and local mode. */
export const createReconcileHandler = (deps: ReconcileDeps) => async (): Promise<ReconcileSummary> => reconcileOnce(deps);
