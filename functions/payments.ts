// Lambda entry point for the payment routes (API Gateway sends their paths here, see
// infra/stack.ts): the Stripe webhook and USDC deposits and payouts. The only function
// that carries stripe, viem and @solana/kit, so the api function starts without them.
import { handle } from 'hono/aws-lambda';
import { composeApp } from '../src/api/app-factory.js';
import { PAYMENTS_FUNCTION } from '../src/api/app.js';
import { systemClock } from '../src/core/ports.js';
import { registryOf } from '../src/core/provider.js';
import { log, queue, store, tenants } from '../src/aws/base.js';
import { payments } from '../src/aws/payments.js';
import { apiSecurity } from '../src/aws/security.js';
import { withMetrics } from '../src/aws/metrics.js';

const app = composeApp(
  {
    // The payment routes create no jobs; the job deps are what the shared middleware needs.
    jobs: { store, queue, clock: systemClock, accounting: payments.accounting },
    tenants,
    providers: registryOf([]),
    money: payments.api,
    log,
    ...apiSecurity,
  },
  PAYMENTS_FUNCTION,
);

// As the api function: EMF metrics flushed per request, Lambda's own trace segment.
export const handler = withMetrics(handle(app));
