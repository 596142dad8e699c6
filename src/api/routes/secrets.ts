// Tenant secrets: POST /v1/secrets (create or replace), GET /v1/secrets (names only),
// DELETE /v1/secrets/{name}. Values are write-only: no route returns one. Jobs refer to
// secrets by name (spec.secrets, spec.imageCredentials); only the job's agent receives the
// values, over its attempt token (GET /v1/agent/secrets).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problem } from '../problem.js';
import { SecretCreateSchema, SecretNameParams, SecretSchema } from '../schemas.js';
import { SecretLimitError } from '../../secrets/secrets-service.js';
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemOf } from '../openapi-responses.js';

const security = [{ bearerAuth: [] }];
const tags = ['Secrets'];
const SECRET_EXAMPLE = { name: 'wandb', createdAt: '2026-12-02T09:00:00.000Z', updatedAt: '2026-12-02T09:00:00.000Z' };

const createSecretRoute = createRoute({
  method: 'post',
  path: '/v1/secrets',
  operationId: 'putSecret',
  tags,
  summary: 'Store a secret',
  description: 'Creates the secret, or replaces its value. The value is encrypted at rest and never returned; jobs refer to it by name.',
  security,
  request: { body: jsonBody(SecretCreateSchema, { name: 'wandb', value: 'wandb-api-key-value' }) },
  responses: {
    201: {
      ...jsonResponse(SecretSchema, 'Stored (without its value)', SECRET_EXAMPLE),
      headers: { Location: { description: "The secret's URL.", schema: { type: 'string', example: '/v1/secrets/wandb' } } },
    },
    400: problemOf(400, 'Invalid name or value'),
    409: problemOf(409, 'The tenant holds the most secrets allowed'),
    413: bodyTooLarge,
    ...apiKeyProblems('jobs:write'),
  },
});

const listSecretsRoute = createRoute({
  method: 'get',
  path: '/v1/secrets',
  operationId: 'listSecrets',
  tags,
  summary: "Your secrets' names",
  description: 'Names and dates of your secrets; never their values.',
  security,
  responses: {
    200: jsonResponse(z.object({ items: z.array(SecretSchema).openapi({ description: 'Your secrets, without values.' }) }).openapi('SecretList'), 'Names and dates; never values', { items: [SECRET_EXAMPLE] }),
    ...apiKeyProblems('jobs:read'),
  },
});

const deleteSecretRoute = createRoute({
  method: 'delete',
  path: '/v1/secrets/{name}',
  operationId: 'deleteSecret',
  tags,
  summary: 'Delete a secret',
  description: 'Jobs that refer to it and have not started yet will fail to start with a reason naming it.',
  security,
  request: { params: SecretNameParams },
  responses: { 204: { description: 'Deleted' }, 400: problemOf(400, 'Not a secret name'), 404: problemOf(404, 'No such secret'), ...apiKeyProblems('jobs:write') },
});

export const registerSecretRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  const secrets = deps.secrets;
  if (!secrets) return;
  app.use('/v1/secrets', async (c, next) => (c.req.method === 'GET' ? requireScope('jobs:read')(c, next) : requireScope('jobs:write')(c, next)));
  app.use('/v1/secrets/:name', requireScope('jobs:write'));

  app.openapi(createSecretRoute, async (c) => {
    const { name, value } = c.req.valid('json');
    try {
      const info = await secrets.put(c.get('tenantId'), name, value);
      c.header('location', `/v1/secrets/${name}`);
      return c.json(info, 201);
    } catch (error) {
      if (error instanceof SecretLimitError) return problem(c, 409, 'secret-limit', 'Too many secrets', error.message) as never;
      throw error;
    }
  });

  app.openapi(listSecretsRoute, async (c) => c.json({ items: await secrets.list(c.get('tenantId')) }, 200));

  app.openapi(deleteSecretRoute, async (c) => {
    const { name } = c.req.valid('param');
    if (!(await secrets.delete(c.get('tenantId'), name))) return problem(c, 404, 'not-found', 'Not found', `No secret named "${name}".`) as never;
    return c.body(null, 204);
  });
};
