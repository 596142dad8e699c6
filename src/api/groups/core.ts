// Everything but the payment routes: jobs, events, outputs, logs, providers, admin, secrets,
// billing and the job agent's routes. Served by the api function.
import type { RouteGroup } from '../app-factory.js';
import { registerAdminRoutes } from '../routes/admin.js';
import { registerAdminJobRoutes } from '../routes/jobs-admin.js';
import { requireAgentToken } from '../routes/agent-auth.js';
import { registerAgentRunTimeRoutes } from '../routes/agent-run-time.js';
import { registerAgentRoutes } from '../routes/agent.js';
import { registerBillingAdminRoutes } from '../routes/billing-admin.js';
import { registerBillingRoutes } from '../routes/billing.js';
import { registerJobEventRoutes } from '../routes/job-events.js';
import { registerJobOutputsRoute } from '../routes/job-outputs.js';
import { registerJobRoutes } from '../routes/jobs.js';
import { registerLocalMachineRoutes } from '../routes/local-machines.js';
import { registerLogRoutes } from '../routes/logs.js';
import { registerOutputsBucketRoutes } from '../routes/outputs-bucket.js';
import { registerProviderRoutes } from '../routes/providers.js';
import { registerSecretRoutes } from '../routes/secrets.js';
import { registerWebhookSecretRoute } from '../routes/webhook-secret.js';

export const coreRoutes: RouteGroup = {
  name: 'core',
  // The job agent authenticates with its attempt's token, not an API key (../routes/agent-auth.ts).
  beforeAuth: (app, deps) => {
    if (!deps.agent) return;
    app.use('/v1/agent/*', requireAgentToken(deps.agent, deps.jobs.store, deps.jobs.clock));
    registerAgentRoutes(app, deps, deps.agent);
    if (deps.runTime) registerAgentRunTimeRoutes(app, deps, deps.agent, deps.runTime);
  },
  afterAuth: (app, deps) => {
    registerJobRoutes(app, deps);
    registerJobEventRoutes(app, deps);
    if (deps.agent && deps.runTime) registerJobOutputsRoute(app, deps, deps.agent, deps.runTime);
    if (deps.agent && deps.runTime) registerOutputsBucketRoutes(app, deps.runTime);
    if (deps.agent) registerLogRoutes(app, deps, deps.agent);
    registerProviderRoutes(app, deps);
    registerAdminRoutes(app, deps);
    registerAdminJobRoutes(app, deps);
    registerWebhookSecretRoute(app, deps);
    registerSecretRoutes(app, deps);
    if (deps.localMachines) registerLocalMachineRoutes(app, deps, deps.localMachines);
    if (deps.money) {
      registerBillingRoutes(app, deps, deps.money);
      registerBillingAdminRoutes(app, deps.money);
    }
  },
};
