// Composes the whole system on one machine: DynamoDB Local, the embedded queue feeding
// the same dispatch handler Lambda runs, the reconciler on a timer, and the API on
// @hono/node-server. Used by `npm start`, the end-to-end tests and the benchmarks.
import { serve, type ServerType } from '@hono/node-server';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, documentClientOf } from '../adapters/dynamodb/client.js';
import { createTable } from '../adapters/dynamodb/create-table.js';
import { DynamoJobStore } from '../adapters/dynamodb/job-store.js';
import { DynamoTenantStore } from '../adapters/dynamodb/tenant-store.js';
import { EmbeddedQueue, type EmbeddedQueueOptions } from '../adapters/queue/embedded-queue.js';
import { createApp } from '../api/app.js';
import { DEFAULT_DISPATCH_CONFIG, type DispatchConfig, type DispatchDeps } from '../core/dispatch.js';
import { systemClock, type Clock } from '../core/ports.js';
import { registryOf, type Provider } from '../core/provider.js';
import { DEFAULT_RECONCILE_CONFIG, type ReconcileConfig, type ReconcileDeps } from '../core/reconcile.js';
import { createDispatchHandler } from '../handlers/dispatch-handler.js';
import { createReconcileHandler } from '../handlers/reconcile-handler.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { defaultMarket } from './market.js';
import { seedTenant } from './seed.js';

export interface SystemOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Keep DynamoDB data on disk here; in memory when unset. */
  dataDir?: string;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoEndpoint?: string;
  tableName?: string;
  apiKey?: string;
  tenantId?: string;
  providers?: Provider[];
  clock?: Clock;
  reconcileIntervalMs?: number;
  /** Run the queue consumer and reconciler on timers (default); tests may drive them by hand. */
  loops?: boolean;
  dispatch?: Partial<DispatchConfig>;
  reconcile?: Partial<ReconcileConfig>;
  queue?: Partial<EmbeddedQueueOptions>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningSystem {
  url: string;
  apiKey: string;
  tenantId: string;
  tableName: string;
  db: DynamoDBDocumentClient;
  store: DynamoJobStore;
  tenants: DynamoTenantStore;
  queue: EmbeddedQueue;
  deps: ReconcileDeps;
  dispatchHandler: ReturnType<typeof createDispatchHandler>;
  reconcile: ReturnType<typeof createReconcileHandler>;
  app: ReturnType<typeof createApp>;
  stop(): Promise<void>;
}

export const startSystem = async (options: SystemOptions = {}): Promise<RunningSystem> => {
  const clock = options.clock ?? systemClock;
  let dynamo: DynamoDbLocal | undefined;
  const endpoint = options.dynamoEndpoint ?? (dynamo = await startDynamoDbLocal({ dataDir: options.dataDir })).endpoint;
  const tableName = options.tableName ?? 'switchyard';
  const rawClient = createDynamoClient({ endpoint, region: 'local' });
  const db = documentClientOf(rawClient);
  await createTable(rawClient, tableName);

  const store = new DynamoJobStore(db, tableName);
  const tenants = new DynamoTenantStore(db, tableName);
  const providers = options.providers ?? defaultMarket(clock);
  const registry = registryOf(providers);

  let queue: EmbeddedQueue | undefined;
  const lazyQueue = { send: (m: { jobId: string }) => queue!.send(m) };
  const deps: ReconcileDeps = {
    store,
    queue: lazyQueue,
    providers: registry,
    clock,
    config: { ...DEFAULT_DISPATCH_CONFIG, ...options.dispatch },
    reconcile: { ...DEFAULT_RECONCILE_CONFIG, requeueAfterSeconds: 10, startDeadlineSeconds: 120, ...options.reconcile },
    ...(options.log ? { log: options.log } : {}),
  };
  const dispatchHandler = createDispatchHandler(deps satisfies DispatchDeps);
  queue = new EmbeddedQueue(dispatchHandler, { visibilityTimeoutMs: 10_000, ...options.queue });
  const reconcile = createReconcileHandler(deps);

  const tenantId = options.tenantId ?? 'local';
  const apiKey = await seedTenant(tenants, { tenantId, name: 'Local tenant', apiKey: options.apiKey });
  const app = createApp({
    jobs: { store, queue, clock, onEnqueueError: (jobId, error) => deps.log?.('enqueue failed', { jobId, error: String(error) }) },
    tenants,
    providers: registry,
    ...(options.log ? { log: options.log } : {}),
  });

  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let reconcileTimer: NodeJS.Timeout | undefined;
  let reconciling: Promise<unknown> = Promise.resolve();
  if (options.loops !== false) {
    queue.start();
    const tick = () => {
      reconciling = reconcile()
        .catch((error: unknown) => deps.log?.('reconcile run failed', { error: String(error) }))
        .finally(() => {
          if (reconcileTimer) reconcileTimer = setTimeout(tick, options.reconcileIntervalMs ?? 1000);
        });
    };
    reconcileTimer = setTimeout(tick, options.reconcileIntervalMs ?? 1000);
  }

  return {
    url: `http://${host}:${port}`,
    apiKey,
    tenantId,
    tableName,
    db,
    store,
    tenants,
    queue,
    deps,
    dispatchHandler,
    reconcile,
    app,
    stop: async () => {
      clearTimeout(reconcileTimer);
      reconcileTimer = undefined;
      await queue.stop();
      await reconciling;
      await new Promise<void>((r) => server.close(() => r()));
      for (const p of providers) if (p instanceof LocalProvider) p.stopAll();
      rawClient.destroy();
      await dynamo?.stop();
    },
  };
};
