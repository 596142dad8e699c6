import { reconcileOnce, type ReconcileDeps, type ReconcileSummary } from '../core/reconcile.js';
import type { PassShard } from '../core/ports.js';

/**
 * The scheduled reconcile handler, shared by the Lambda entry point and local mode. An event
 * `{ shard, shards }` (one schedule target per shard) makes this invocation one of `shards`
 * sharing the pass; without it, one invocation covers the whole index.
 */
export const createReconcileHandler =
  (deps: ReconcileDeps) =>
  async (event?: { shard?: number; shards?: number }): Promise<ReconcileSummary> =>
    reconcileOnce(deps, passShardOf(event));

const passShardOf = (event: { shard?: number; shards?: number } | undefined): PassShard | undefined =>
  event?.shards !== undefined && event.shards > 1 ? { index: event.shard ?? 0, count: event.shards } : undefined;
