import type { JobServiceDeps } from '../core/jobs-service.js';
import type { TenantStore } from '../core/ports.js';
import type { ProviderRegistry } from '../core/provider.js';

export interface ApiDeps {
  jobs: JobServiceDeps;
  tenants: TenantStore;
  providers: ProviderRegistry;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface ApiEnv {
  Variables: { tenantId: string; scopes: string[]; keyId: string };
}
