// Composes the whole system on one machine: DynamoDB Local, the embedded queue feeding
// the same dispatch handler Lambda runs, the reconciler on a timer, and the API on
// @hono/node-server. Used by `npm start`, the end-to-end tests and the benchmarks.
import { rmSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, documentClientOf } from '../adapters/dynamodb/client.js';
import { createTable } from '../adapters/dynamodb/create-table.js';
import { DynamoJobStore } from '../adapters/dynamodb/job-store.js';
import { MeteredJobStore, type JobMetricsSink } from '../observability/metered-job-store.js';
import { DynamoProviderStatsStore } from '../adapters/dynamodb/provider-stats-store.js';
import { DynamoTenantStore } from '../adapters/dynamodb/tenant-store.js';
import { signingSecrets } from '../adapters/dynamodb/webhook-secrets.js';
import { EmbeddedQueue, type EmbeddedQueueOptions } from '../adapters/queue/embedded-queue.js';
import { createApp } from '../api/app.js';
import { DEFAULT_DISPATCH_CONFIG, type DispatchConfig, type DispatchDeps } from '../core/dispatch.js';
import { systemClock, type Clock } from '../core/ports.js';
import { registryOf, type Provider } from '../core/provider.js';
import { DEFAULT_RECONCILE_CONFIG, type ReconcileConfig, type ReconcileDeps } from '../core/reconcile.js';
import { createDispatchHandler } from '../handlers/dispatch-handler.js';
import { createReconcileHandler } from '../handlers/reconcile-handler.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import { installDurableWrites } from './durable-writes.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import type { Faults } from './faults.js';
import { startFakeMarket, type FakeMarket } from './fake-market.js';
import { seedTenant } from './seed.js';
import { OPERATOR_TENANT } from '../api/auth.js';
import { createWebhookHandler } from '../handlers/webhook-handler.js';
import { DEFAULT_RATE_LIMIT, DynamoRateLimiter, type RateLimitConfig } from '../ratelimit/token-bucket.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookDeliveryConfig } from '../webhooks/deliverer.js';
import { DynamoOutbox } from '../webhooks/outbox.js';
import type { Resolver } from '../webhooks/url-guard.js';
import { composeMoney, type MoneyOptions, type MoneySystem } from '../billing/compose.js';
import { DynamoSecretStore } from '../adapters/dynamodb/secret-store.js';
import { SecretCipher } from '../secrets/envelope.js';
import { AGENT_TOKEN_KEY_FILE, LocalKeyWrapper, loadOrCreateLocalKey } from '../secrets/local-key.js';
import { MAX_SECRETS_PER_TENANT, registryLoginFrom, SecretsService } from '../secrets/secrets-service.js';
import { logRedactor, textRedactor } from '../secrets/log-redaction.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DynamoAgentStore } from '../adapters/dynamodb/agent-store.js';
import type { RuntimeBuckets } from '../core/object-store.js';
import { LOCAL_CREDENTIALS, LOCAL_TENANT_BUCKET, startLocalS3, type LocalS3 } from './s3-local.js';
import { startLocalSts, type LocalSts } from './sts-fake.js';
import { AssumedRoleBucketAccess } from '../adapters/s3/assumed-role-bucket.js';
import { DynamoTenantBucketStore } from '../adapters/dynamodb/tenant-bucket-store.js';
import type { ApiDeps } from '../api/context.js';
import type { AgentApiDeps } from '../api/routes/agent-deps.js';
import { DynamoOutputStore } from '../adapters/dynamodb/output-store.js';
import {
  DEFAULT_DOWNLOAD_URL_SECONDS,
  DEFAULT_MAX_CHECKPOINT_BYTES,
  DEFAULT_MAX_OUTPUT_BYTES,
  type RunTimeApiDeps,
} from '../api/routes/run-time-deps.js';
import { DEFAULT_HEARTBEAT_GRACE_SECONDS, type AgentRuntimeDeps } from '../core/agent.js';
import { seedLocalTerms } from '../billing/local-terms.js';
import { startLocalBillingFakes, type LocalBillingInfo } from './billing-fakes.js';

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
  /** Seed this admin key (scope admin, operator tenant) instead of a random one (SWITCHYARD_ADMIN_KEY). */
  adminKey?: string;
  /** Per-key rate limit; false turns it off. Generous defaults. */
  rateLimit?: RateLimitConfig | false;
  /** SWITCHYARD_ALLOW_PRIVATE_WEBHOOKS=1: let webhooks go to loopback (never to other private addresses). */
  allowPrivateWebhooks?: boolean;
  webhooks?: Partial<WebhookDeliveryConfig>;
  webhookIntervalMs?: number;
  webhookResolver?: Resolver;
  /** Pricing, Stripe, USDC chains and payouts; the ledger and accounting are always on. */
  money?: MoneyOptions;
  /** Where the secrets master key file lives (mode 0600); the data dir, else a private temp dir. */
  secretsKeyDir?: string;
  /** Caps and URL lifetimes of outputs and checkpoints (SWITCHYARD_OUTPUTS_MAX_BYTES sets the output cap). */
  runTime?: Partial<Omit<RunTimeApiDeps, 'outputs'>>;
  /** Use these buckets instead of starting the embedded S3-compatible server. */
  buckets?: RuntimeBuckets;
  /** HMAC key of agent tokens (SWITCHYARD_AGENT_TOKEN_KEY); a random one per start when unset. */
  agentTokenKey?: string;
  /** Per-attempt limit on the agent routes; false turns it off. */
  agentRateLimit?: RateLimitConfig | false;
  /** How long after its attempt ended an agent may still report. */
  agentEndedGraceSeconds?: number;
  /** Where agents reach the API (SWITCHYARD_PUBLIC_URL); this system's own URL when unset. */
  publicUrl?: string;
  /** Agent heartbeat period (default 30 s) and log shipping period (default 1 s); tests shorten them. */
  agentHeartbeatSeconds?: number;
  agentLogIntervalSeconds?: number;
  /** A running attempt whose agent went quiet this long is lost (default 180 s). */
  heartbeatGraceSeconds?: number;
  /** Without `money`: run the Stripe and USDC chain fakes and bill through them (`npm start`). */
  localBilling?: boolean;
  /** Business metrics of the job path (what Lambda publishes as EMF); none locally unless given. */
  jobMetrics?: JobMetricsSink;
  /** SWITCHYARD_FAULTS knobs (src/local/faults.ts): injected faults in the fakes, the queue and DynamoDB. */
  faults?: Faults;
}

/** Agent requests per attempt: a log chunk a second, heartbeats, checkpoints and outputs fit easily. */
export const DEFAULT_AGENT_RATE_LIMIT: RateLimitConfig = { ratePerSecond: 10, burst: 100 };

export interface RunningSystem {
  url: string;
  apiKey: string;
  /** The operator's admin key (scope admin). */
  adminKey: string;
  /** Delivers due webhooks once (the loop does this on a timer). */
  deliverWebhooks: ReturnType<typeof createWebhookHandler>;
  outbox: DynamoOutbox;
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
  /** Ledger, billing accounts, invoices, accounting and the billing run. */
  money: MoneySystem;
  /** Tenant secrets, sealed under the local key file. */
  secrets: SecretsService;
  secretsKeyPath: string;
  /** logs, outputs and checkpoints (the embedded S3-compatible server unless given). */
  buckets: RuntimeBuckets;
  /** The embedded S3-compatible server's endpoint, when this system started one. */
  s3Endpoint?: string;
  /** Local mode's STS fake (tenant buckets through an assumed role); only with the embedded S3 server. */
  localSts?: LocalSts;
  agent: AgentApiDeps;
  agentTokenKey: string;
  /** Where the local Stripe and chain fakes listen (with localBilling). */
  localBilling?: LocalBillingInfo;
  stop(): Promise<void>;
}

/** The role the local STS lets the seeded tenant assume, for its own bucket (README "Outputs in your own bucket"). */
export const localTenantRole = (tenantId: string) => ({
  roleArn: 'arn:aws:iam::000000000000:role/switchyard-local-outputs',
  externalId: `switchyard-${tenantId}-localdemo`,
  bucket: LOCAL_TENANT_BUCKET,
  region: 'us-east-1',
});

/** The local provider's hand-loss switch for POST /v1/local/jobs/{id}/lose-machine, when it runs here. */
const localMachinesOf = (providers: Provider[]): Pick<ApiDeps, 'localMachines'> => {
  const local = providers.find((p): p is LocalProvider => p instanceof LocalProvider);
  return local ? { localMachines: { provider: local.name, lose: (attemptId) => local.loseMachine(attemptId) } } : {};
};

export const startSystem = async (options: SystemOptions = {}): Promise<RunningSystem> => {
  const clock = options.clock ?? systemClock;
  let dynamo: DynamoDbLocal | undefined;
  const endpoint = options.dynamoEndpoint ?? (dynamo = await startDynamoDbLocal({ dataDir: options.dataDir })).endpoint;
  const tableName = options.tableName ?? 'switchyard';
  const rawClient = createDynamoClient({ endpoint, region: 'local' });
  const db = documentClientOf(rawClient);
  await createTable(rawClient, tableName);
  // On disk, a write returns once it is committed, so a kill -9 loses nothing we answered (./durable-writes.ts).
  const durable = dynamo && options.dataDir ? installDurableWrites(rawClient, { endpoint, tableName }) : undefined;
  const faults = options.faults;
  faults?.installDynamoThrottle(rawClient); // after createTable: the table exists before any fault

  const store = new DynamoJobStore(db, tableName);
  let s3: LocalS3 | undefined;
  const buckets = options.buckets ?? (s3 = await startLocalS3(options.dataDir ? { dataDir: options.dataDir } : {})).buckets;
  // Kept in the data dir: runs adopted after a restart still report with the tokens they hold.
  const agentTokenKey =
    options.agentTokenKey ??
    process.env.SWITCHYARD_AGENT_TOKEN_KEY ??
    (options.dataDir ? loadOrCreateLocalKey(options.dataDir, AGENT_TOKEN_KEY_FILE).key : randomBytes(32)).toString('hex');
  const agent: AgentApiDeps = {
    tokenKey: async () => agentTokenKey,
    store: new DynamoAgentStore(db, tableName),
    buckets,
    ...(options.agentRateLimit === false
      ? {}
      : { rateLimiter: new DynamoRateLimiter(db, tableName, options.agentRateLimit ?? DEFAULT_AGENT_RATE_LIMIT) }),
    ...(options.agentEndedGraceSeconds !== undefined ? { endedGraceSeconds: options.agentEndedGraceSeconds } : {}),
  };
  const tenants = new DynamoTenantStore(db, tableName);
  const billingFakes = options.localBilling && !options.money ? await startLocalBillingFakes() : undefined;
  const money = composeMoney(db, tableName, clock, options.money ?? billingFakes?.money);
  const localKey = loadOrCreateLocalKey(options.secretsKeyDir ?? options.dataDir);
  const cipher = new SecretCipher(new LocalKeyWrapper(localKey.key), 'local');
  const secrets = new SecretsService(new DynamoSecretStore(db, tableName), cipher, clock, MAX_SECRETS_PER_TENANT);
  const redact = logRedactor(secrets, () => clock.now().getTime());
  agent.redactLogChunk = redact;
  // A tenant's own bucket: in local mode the second bucket of the embedded S3 server, reached
  // through the local STS fake and the real STS client (README "Outputs in your own bucket").
  const sts = s3 ? await startLocalSts(LOCAL_CREDENTIALS) : undefined;
  const tenantBucketAccess = sts && s3 ? new AssumedRoleBucketAccess({ stsEndpoint: sts.endpoint, s3Endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS, region: 'us-east-1' }) : undefined;
  const runTime: RunTimeApiDeps = {
    outputs: new DynamoOutputStore(db, tableName),
    tenantBuckets: { store: new DynamoTenantBucketStore(db, tableName), ...(tenantBucketAccess ? { access: tenantBucketAccess } : {}) },
    maxOutputBytes: Number(process.env.SWITCHYARD_OUTPUTS_MAX_BYTES ?? DEFAULT_MAX_OUTPUT_BYTES),
    maxCheckpointBytes: DEFAULT_MAX_CHECKPOINT_BYTES,
    downloadUrlSeconds: DEFAULT_DOWNLOAD_URL_SECONDS,
    ...options.runTime,
  };
  // Without explicit providers, the default market: a fake of each real provider's API.
  let market: FakeMarket | undefined;
  faults?.installHttp();
  const providers =
    options.providers ??
    (market = await startFakeMarket({
      ...(options.dataDir ? { localRunsDir: join(options.dataDir, 'local-runs') } : {}),
      ...faults?.config.market,
      ...(faults ? { faults } : {}),
    })).providers;
  const registry = registryOf(providers);

  let systemUrl = '';
  const publicUrl = options.publicUrl ?? process.env.SWITCHYARD_PUBLIC_URL;
  const reconcileConfig = { ...DEFAULT_RECONCILE_CONFIG, requeueAfterSeconds: 10, startDeadlineSeconds: 120, ...options.reconcile };
  const agentRuntime: AgentRuntimeDeps = {
    launch: {
      apiUrl: () => publicUrl ?? systemUrl,
      tokenKey: agent.tokenKey,
      startDeadlineSeconds: reconcileConfig.startDeadlineSeconds,
      ...(options.agentHeartbeatSeconds !== undefined ? { heartbeatSeconds: options.agentHeartbeatSeconds } : {}),
      ...(options.agentLogIntervalSeconds !== undefined ? { logIntervalSeconds: options.agentLogIntervalSeconds } : {}),
    },
    store: agent.store,
    logs: buckets.logs,
    heartbeatGraceSeconds: options.heartbeatGraceSeconds ?? DEFAULT_HEARTBEAT_GRACE_SECONDS,
    redactOutput: textRedactor(redact),
  };

  let queue: EmbeddedQueue | undefined;
  const lazyQueue = { send: (m: { jobId: string }) => queue!.send(m) };
  const stats = new DynamoProviderStatsStore(db, tableName);
  const jobStore = options.jobMetrics ? new MeteredJobStore(store, options.jobMetrics) : store;
  const deps: ReconcileDeps = {
    store: jobStore,
    queue: lazyQueue,
    providers: registry,
    clock,
    stats,
    accounting: money.accounting,
    registryLogin: registryLoginFrom(secrets),
    // Unfinished launches (an Akash auction) are kept sealed under the secrets' key and finished by the reconciler.
    launchStates: cipher,
    // This process is local mode's one dispatcher: what an earlier one held died with it (core/lease.ts).
    config: { ...DEFAULT_DISPATCH_CONFIG, soleDispatcherSince: clock.now().toISOString(), ...options.dispatch },
    reconcile: reconcileConfig,
    agent: agentRuntime,
    ...(options.log ? { log: options.log } : {}),
  };
  const dispatchHandler = createDispatchHandler(deps satisfies DispatchDeps);
  queue = new EmbeddedQueue(dispatchHandler, { visibilityTimeoutMs: 10_000, ...options.queue });
  if (faults) {
    // A lost enqueue: the send succeeds for its caller and the message is never delivered.
    const send = queue.send.bind(queue);
    queue.send = async (message) => (faults.dropsEnqueue() ? undefined : send(message));
  }
  const reconcile = createReconcileHandler(deps);

  const tenantId = options.tenantId ?? 'local';
  sts?.allow(localTenantRole(tenantId));
  const apiKey = await seedTenant(tenants, { tenantId, name: 'Local tenant', apiKey: options.apiKey });
  await seedLocalTerms(money.billing, tenantId, clock.now().toISOString()); // explicit terms: new tenants can spend nothing
  const adminKey = await seedTenant(tenants, { tenantId: OPERATOR_TENANT, name: 'Operator', apiKey: options.adminKey, scopes: ['admin'], variable: 'SWITCHYARD_ADMIN_KEY' });
  // Local mode may use plain http; loopback only when the operator opted in.
  const webhookPolicy = { allowHttp: true, allowLoopback: options.allowPrivateWebhooks === true };
  const outbox = new DynamoOutbox(db, tableName);
  const deliverWebhooks = createWebhookHandler({
    outbox,
    secretsFor: async (t, now) => signingSecrets(await tenants.webhookSecrets(t), now),
    jobs: store,
    policy: webhookPolicy,
    clock,
    config: { ...DEFAULT_WEBHOOK_CONFIG, ...options.webhooks },
    ...(options.webhookResolver ? { resolve: options.webhookResolver } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const app = createApp({
    jobs: { store: jobStore, queue, clock, accounting: money.accounting, onEnqueueError: (jobId, error) => deps.log?.('enqueue failed', { jobId, error: String(error) }) },
    tenants,
    providers: registry,
    stats,
    money: money.api,
    secrets,
    ...(options.log ? { log: options.log } : {}),
    ...(options.rateLimit === false ? {} : { rateLimiter: new DynamoRateLimiter(db, tableName, options.rateLimit ?? DEFAULT_RATE_LIMIT) }),
    webhookPolicy,
    ...(options.webhookResolver ? { webhookResolver: options.webhookResolver } : {}),
    agent,
    runTime,
    ...localMachinesOf(providers),
  });

  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  systemUrl = `http://${host}:${port}`;
  billingFakes?.connect(`http://${host}:${port}`);

  let reconcileTimer: NodeJS.Timeout | undefined;
  let reconciling: Promise<unknown> = Promise.resolve();
  let webhookTimer: NodeJS.Timeout | undefined;
  let delivering: Promise<unknown> = Promise.resolve();
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
    const deliver = () => {
      delivering = deliverWebhooks()
        .catch((error: unknown) => deps.log?.('webhook run failed', { error: String(error) }))
        .finally(() => {
          if (webhookTimer) webhookTimer = setTimeout(deliver, options.webhookIntervalMs ?? 1000);
        });
    };
    webhookTimer = setTimeout(deliver, options.webhookIntervalMs ?? 1000);
  }

  return {
    url: `http://${host}:${port}`,
    apiKey,
    adminKey,
    deliverWebhooks,
    outbox,
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
    money,
    secrets,
    secretsKeyPath: localKey.path,
    buckets,
    ...(s3 ? { s3Endpoint: s3.endpoint } : {}),
    ...(sts ? { localSts: sts } : {}),
    agent,
    agentTokenKey,
    ...(billingFakes ? { localBilling: billingFakes.info } : {}),
    stop: async () => {
      clearTimeout(reconcileTimer);
      reconcileTimer = undefined;
      clearTimeout(webhookTimer);
      webhookTimer = undefined;
      await queue.stop();
      await reconciling;
      await delivering;
      await new Promise<void>((r) => server.close(() => r()));
      for (const p of providers) if (p instanceof LocalProvider) await p.stopAll();
      await market?.stop();
      await billingFakes?.stop();
      rawClient.destroy();
      durable?.stop();
      await dynamo?.stop();
      await s3?.stop();
      await sts?.stop();
      if (localKey.temporaryDir) rmSync(localKey.temporaryDir, { recursive: true, force: true }); // a key for this run only
      faults?.uninstall();
    },
  };
};
