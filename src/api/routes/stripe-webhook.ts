// POST /v1/webhooks/stripe. Registered before API-key auth (Stripe has no API key; the
// signature is the authentication), and it reads the raw body: the signature covers the
// exact bytes Stripe sent.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { handleStripeWebhook, InvoiceNotPostedError } from '../../billing/stripe-webhooks.js';
import type { ApiEnv } from '../context.js';
import { problem } from '../problem.js';
import { bodyTooLarge, jsonResponse, problemResponse } from '../openapi-responses.js';
import type { MoneyApiDeps } from './money-deps.js';

export const STRIPE_WEBHOOK_PATH = '/v1/webhooks/stripe';

const ReceivedSchema = z
  .object({
    received: z.literal(true).openapi({ description: 'The event was read and verified.' }),
    eventId: z.string().openapi({ description: "Stripe's event id (evt_…)." }),
    type: z.string().openapi({ description: "Stripe's event type, e.g. invoice.paid." }),
    result: z.enum(['processed', 'duplicate', 'ignored']).openapi({ description: 'processed: applied to the ledger now; duplicate: applied before; ignored: a type Switchyard does not act on.' }),
  })
  .openapi('StripeWebhookReceipt', { description: 'What was done with a Stripe event.' });

// Documented through the registry only: a validating route would parse the body, and the
// signature must be checked on the exact bytes.
const document = (app: OpenAPIHono<ApiEnv>) =>
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: STRIPE_WEBHOOK_PATH,
    operationId: 'receiveStripeWebhook',
    tags: ['Webhooks'],
    summary: 'Stripe webhook receiver',
    description:
      "Called by Stripe, not by customers: invoice events (paid, voided, uncollectible…) move the ledger. Authenticated by the Stripe-Signature header over the raw body, so it needs no API key. Any non-2xx makes Stripe retry.",
    security: [],
    request: {
      headers: z.object({ 'stripe-signature': z.string().openapi({ description: "Stripe's signature over the raw body: t=<unix seconds>,v1=<hex HMAC-SHA256>.", example: 't=1764680400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd' }) }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({}).passthrough().openapi({ description: 'A Stripe event object, as Stripe sends it.' }),
            example: { id: 'evt_1QabcXYZ', type: 'invoice.paid', data: { object: { id: 'in_1QabcXYZ', object: 'invoice' } } },
          },
        },
      },
    },
    responses: {
      200: jsonResponse(ReceivedSchema, 'Received (applied, a duplicate, or a type that is ignored)', { received: true, eventId: 'evt_1QabcXYZ', type: 'invoice.paid', result: 'processed' }),
      400: problemResponse('The Stripe-Signature header does not verify', 400, {
        type: 'https://switchyard.dev/problems/webhook-signature', title: 'Invalid signature', status: 400, detail: 'The Stripe-Signature header does not verify: no signature matches.', instance: STRIPE_WEBHOOK_PATH,
      }),
      404: problemResponse('Stripe webhooks are not configured on this deployment', 404),
      409: problemResponse('The invoice is not in the ledger yet; Stripe retries later', 409, {
        type: 'https://switchyard.dev/problems/invoice-not-posted', title: 'Invoice not in the ledger yet', status: 409, detail: 'Invoice in_1QabcXYZ is not in the ledger yet.', instance: STRIPE_WEBHOOK_PATH,
      }),
      413: bodyTooLarge,
    },
  });

export const registerStripeWebhookRoute = (app: OpenAPIHono<ApiEnv>, money: MoneyApiDeps | undefined): void => {
  document(app);
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
