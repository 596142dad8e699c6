// POST /v1/webhooks/stripe. Served by the payments function: it is the only route that needs
// the stripe package (signature verification; the route module itself only imports its types,
// so the api function can describe it in /openapi.json without bundling stripe).
import type { RouteGroup } from '../app-factory.js';
import { registerStripeWebhookRoute } from '../routes/stripe-webhook.js';

export const stripeWebhookRoutes: RouteGroup = {
  name: 'stripe-webhook',
  // Before API-key auth: Stripe authenticates with its signature.
  beforeAuth: (app, deps) => registerStripeWebhookRoute(app, deps.money),
};
