import type { JobServiceDeps } from '../core/jobs-service.js';
import type { TenantStore } from '../core/ports.js';
import type { ProviderRegistry } from '../core/provider.js';
import type { ProviderStatsStore } from '../core/reliability-store.js';
import type { AgentApiDeps, AgentRequestContext } from './routes/agent-deps.js';
import type { MoneyApiDeps } from './routes/money-deps.js';
import type { RateLimiter } from '../ratelimit/token-bucket.js';
import type { WebhookPolicy } from '../webhooks/address-policy.js';
import type { SecretsService } from '../secrets/secrets-service.js';
import type { RunTimeApiDeps } from './routes/run-time-deps.js';
import type { LocalMachines } from './routes/local-machines.js';
import type { Resolver } from '../webhooks/url-guard.js';

export interface ApiDeps {
  jobs: JobServiceDeps;
  tenants: TenantStore;
  providers: ProviderRegistry;
  /** Measured reliability: GET /v1/providers reports health from it (breaker state). */
  stats?: ProviderStatsStore;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Per-API-key request limit (DynamoDB token bucket); no limit when unset. */
  rateLimiter?: RateLimiter;
  /** Where job webhooks may go; strict (https, public addresses) when unset. */
  webhookPolicy?: WebhookPolicy;
  webhookResolver?: Resolver;
  /** AWS: the operator key held in Secrets Manager, accepted as an admin key. */
  adminKey?: () => Promise<string | undefined>;
  /** Ledger, billing terms, USDC verifiers and Stripe webhooks; no money routes when unset. */
  money?: MoneyApiDeps;
  /** Tenant secrets (sealed at rest); no /v1/secrets routes, and no secret refs accepted, when unset. */
  secrets?: SecretsService;
  /** The job agent's routes (/v1/agent/…) and job logs; neither when unset. */
  agent?: AgentApiDeps;
  /** Outputs and checkpoints (with `agent`): the agent's run-time routes and GET /v1/jobs/{id}/outputs. */
  runTime?: RunTimeApiDeps;
  /** Local mode only: machines a user may lose by hand (POST /v1/local/jobs/{id}/lose-machine); no such route when unset. */
  localMachines?: LocalMachines;
}

export interface ApiEnv {
  Variables: { tenantId: string; scopes: string[]; keyId: string; agent: AgentRequestContext; requestId: string };
}
