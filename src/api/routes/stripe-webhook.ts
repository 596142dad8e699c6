// POST /v1/webhooks/stripe. Registered before API-key auth (Stripe has no API key; the
// signature is the authentication), and it reads the raw body: the signature covers the
// exact bytes Stripe sent.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { handleStripeWebhook, InvoiceNotPostedError } from '../../billing/stripe-webhooks.js';
import type { ApiEnv } from '../context.js';
import { problem } from '../problem.js';
import type { MoneyApiDeps } from './money-deps.js';

export const STRIPE_WEBHOOK_PATH = '/v1/webhooks/stripe';

export const registerStripeWebhookRoute = (app: OpenAPIHono<ApiEnv>, money: MoneyApiDeps | undefined): void => {
  app.post(STRIPE_WEBHOOK_PATH, async (c) => {
    if (!money?.stripeWebhook) return problem(c, 404, 'not-found', 'Not found', 'Stripe webhooks are not configured on this deployment.');
    const raw = await c.req.text();
    try {
      const outcome = await handleStripeWebhook(money.stripeWebhook, raw, c.req.header('stripe-signature'));
      return c.json({ received: true, ...outcome }, 200);
    } catch (error) {
      // Not recorded, so Stripe's retry (on any non-2xx) applies it once the ledger has the invoice.
      if (error instanceof InvoiceNotPostedError) return problem(c, 409, 'invoice-not-posted', 'Invoice not in the ledger yet', error.message);
      throw error;
    }
  });
};
