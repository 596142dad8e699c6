// The whole API on one app: local mode (@hono/node-server), the tests and the OpenAPI
// document for the client package. The Lambda entry points compose their own subsets
// (functions/api.ts, functions/payments.ts) with the same factory.
import { composeApp, type Api, type AppComposition } from './app-factory.js';
import type { ApiDeps } from './context.js';
import { coreRoutes } from './groups/core.js';
import { stripeWebhookRoutes } from './groups/stripe.js';
import { usdcRoutes } from './groups/usdc.js';

export const ALL_ROUTE_GROUPS = [coreRoutes, stripeWebhookRoutes, usdcRoutes];

export const createApp = (deps: ApiDeps): Api => composeApp(deps, { serve: ALL_ROUTE_GROUPS });

/** What each Lambda function serves; the api function also describes the payment routes, so its /openapi.json is the whole API's. */
export const API_FUNCTION: AppComposition = { serve: [coreRoutes], describe: [stripeWebhookRoutes, usdcRoutes] };
export const PAYMENTS_FUNCTION: AppComposition = { serve: [stripeWebhookRoutes, usdcRoutes] };
