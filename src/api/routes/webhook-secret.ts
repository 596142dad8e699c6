// GET /v1/webhook-secret: the tenant's webhook signing secret, so the receiver can check
// Switchyard-Signature (see verifyWebhookSignature in src/webhooks). Needs jobs:read:
// whoever may watch jobs may check the deliveries announcing them.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { ProblemSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/webhook-secret',
  summary: "Your tenant's webhook signing secret",
  description:
    'Deliveries carry Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> signed with this secret, and Switchyard-Event-Id for deduplication.',
  security: [{ bearerAuth: [] }],
  responses: {
    200: {
      description: 'The secret',
      content: {
        'application/json': {
          schema: z.object({ secret: z.string(), algorithm: z.literal('HMAC-SHA256'), header: z.string(), format: z.string() }).openapi('WebhookSecret'),
        },
      },
    },
    401: { description: 'Missing or invalid API key', content: { 'application/problem+json': { schema: ProblemSchema } } },
    403: { description: 'The key lacks jobs:read', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const registerWebhookSecretRoute = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  app.use('/v1/webhook-secret', requireScope('jobs:read'));
  app.openapi(route, async (c) =>
    c.json(
      {
        secret: await deps.tenants.webhookSecret(c.get('tenantId')),
        algorithm: 'HMAC-SHA256' as const,
        header: 'Switchyard-Signature',
        format: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
      },
      200,
    ),
  );
};
