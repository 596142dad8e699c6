// USDC: crediting a deposit verified on chain, and the operator's unsigned payout batch.
// Served by the payments function; the route modules are light (the chain clients arrive
// through MoneyApiDeps), so the api function can describe this group in its /openapi.json.
import type { RouteGroup } from '../app-factory.js';
import { registerPayoutBatchRoute } from '../routes/billing-admin.js';
import { registerPaymentRoutes } from '../routes/payments.js';

export const usdcRoutes: RouteGroup = {
  name: 'usdc',
  afterAuth: (app, deps) => {
    if (!deps.money) return;
    registerPaymentRoutes(app, deps, deps.money);
    registerPayoutBatchRoute(app, deps.money);
  },
};
