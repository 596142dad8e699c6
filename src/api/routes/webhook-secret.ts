// The tenant's webhook signing secret, so a receiver can check Switchyard-Signature (see
// verifyWebhookSignature in src/webhooks), and its rotation with an overlap window:
//   GET  /v1/webhook-secret          jobs:read  (whoever may watch jobs may check the deliveries announcing them)
//   POST /v1/webhook-secret/rotate   jobs:write (it changes what every receiver must accept)
// During the overlap every delivery carries two v1= signatures, the new secret's first.
import { randomBytes } from 'node:crypto';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { WebhookSecrets } from '../../core/ports.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problemResponse } from '../openapi-responses.js';

export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;
/** Long enough to roll a secret out everywhere; short enough that a leaked one dies within a week. */
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

const FORMAT = 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=<… with the previous secret, during an overlap>]';

const EXAMPLE = {
  secret: 'whsec_3q2-7wEXAMPLEnotARealSecretAtAll0000000000',
  createdAt: '2026-12-02T14:00:00.000Z',
  previousExpiresAt: '2026-12-03T14:00:00.000Z',
  algorithm: 'HMAC-SHA256' as const,
  header: 'Switchyard-Signature',
  format: FORMAT,
};

const WebhookSecretSchema = z
  .object({
    secret: z.string().openapi({ description: 'The current signing secret (`whsec_…`): every delivery has a v1= signature made with it.', example: EXAMPLE.secret }),
    createdAt: z.string().openapi({ description: 'When the current secret was created (ISO 8601).', example: EXAMPLE.createdAt }),
    previousExpiresAt: z
      .string()
      .optional()
      .openapi({
        description: 'Only during a rotation\'s overlap: until when (ISO 8601) deliveries also carry a v1= signature made with the previous secret.',
        example: EXAMPLE.previousExpiresAt,
      }),
    algorithm: z.literal('HMAC-SHA256').openapi({ description: 'How each v1 signature is computed.', example: 'HMAC-SHA256' }),
    header: z.string().openapi({ description: 'The request header that carries the signatures.', example: EXAMPLE.header }),
    format: z.string().openapi({ description: "The header's format; accept a delivery when any v1 entry matches.", example: FORMAT }),
  })
  .openapi('WebhookSecret', { description: "Your tenant's webhook signing secret.", example: EXAMPLE });

const RotationSchema = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_OVERLAP_SECONDS)
      .optional()
      .openapi({
        description: `How long the previous secret still signs deliveries, in seconds (0 to ${MAX_OVERLAP_SECONDS}; 0 ends it at once). Default ${DEFAULT_OVERLAP_SECONDS} (24 h).`,
        example: 3600,
      }),
  })
  .strict()
  .openapi('WebhookSecretRotation', { description: 'Optional: `{}`, or no body and no Content-Type, means the default overlap.', example: { overlapSeconds: 3600 } });

const security = [{ bearerAuth: [] }];
const json = (description: string) => ({ description, content: { 'application/json': { schema: WebhookSecretSchema, example: EXAMPLE } } });

const getRoute = createRoute({
  method: 'get',
  path: '/v1/webhook-secret',
  operationId: 'getWebhookSecret',
  tags: ['Webhooks'],
  summary: "Your tenant's webhook signing secret",
  description:
    'Deliveries carry `Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` signed with this secret (and, during a rotation\'s overlap, a second v1 signed with the previous one), and `Switchyard-Event-Id` for deduplication. Needs `jobs:read`.',
  security,
  responses: {
    200: json('The current secret, and when the previous one stops signing (during an overlap)'),
    401: problemResponse('Missing or invalid API key'),
    403: problemResponse('The key lacks jobs:read'),
    429: problemResponse('Too many requests for this API key; see Retry-After'),
  },
});

const rotateRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-secret/rotate',
  operationId: 'rotateWebhookSecret',
  tags: ['Webhooks'],
  summary: 'Rotate the webhook signing secret',
  description:
    'Creates a new secret and returns it. The previous one keeps signing for `overlapSeconds` (default 24 h), so deliveries carry both signatures until your receivers use the new secret; then only the new one. Rotating again during an overlap drops the oldest secret. Needs `jobs:write`.',
  security,
  request: {
    body: { content: { 'application/json': { schema: RotationSchema, example: { overlapSeconds: 3600 } } }, required: false, description: 'Optional: the overlap (no body, or `{}`, for the default).' },
  },
  responses: {
    200: json('The new secret, and when the previous one stops signing'),
    400: problemResponse('Invalid body: not JSON, overlapSeconds not an integer from 0 to 604800, or an unknown field'),
    401: problemResponse('Missing or invalid API key'),
    403: problemResponse('The key lacks jobs:write'),
    409: problemResponse('Another rotation happened at the same moment; read the secret again'),
    413: problemResponse('Body too large'),
    415: problemResponse('A body that is not application/json'),
    429: problemResponse('Too many requests for this API key; see Retry-After'),
  },
});

const view = (s: WebhookSecrets, now: Date) => ({
  secret: s.secret,
  createdAt: s.createdAt,
  ...(s.previous && Date.parse(s.previous.expiresAt) > now.getTime() ? { previousExpiresAt: s.previous.expiresAt } : {}),
  algorithm: 'HMAC-SHA256' as const,
  header: 'Switchyard-Signature',
  format: FORMAT,
});

export const registerWebhookSecretRoute = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  const clock = deps.jobs.clock;
  app.use('/v1/webhook-secret', requireScope('jobs:read'));
  app.use('/v1/webhook-secret/rotate', requireScope('jobs:write'));
  app.openapi(getRoute, async (c) => c.json(view(await deps.tenants.webhookSecrets(c.get('tenantId')), clock.now()), 200));
  app.openapi(rotateRoute, async (c) => {
    // An absent body (or one sent without a JSON content type) is not validated: the default applies.
    const body = (c.req.valid('json') as z.infer<typeof RotationSchema> | undefined) ?? {};
    const overlapSeconds = body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    const now = clock.now();
    const tenantId = c.get('tenantId');
    const rotated = await deps.tenants.rotateWebhookSecret(tenantId, now, overlapSeconds, {
      id: `aud_${randomBytes(10).toString('hex')}`,
      at: now.toISOString(),
      action: 'webhook-secret.rotated',
      actor: { tenantId, keyId: c.get('keyId') },
      tenantId,
      details: { overlapSeconds },
    });
    return c.json(view(rotated, now), 200);
  });
};
