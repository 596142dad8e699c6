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
import { problemResponse } from '../openapi-responses.js';

const security = [{ bearerAuth: [] }];
const common = { 401: problemResponse('Missing or invalid API key'), 403: problemResponse('The key lacks the scope') };

const createSecretRoute = createRoute({
  method: 'post',
  path: '/v1/secrets',
  summary: 'Store a secret',
  description: 'Creates the secret, or replaces its value. The value is encrypted at rest and never returned; jobs refer to it by name.',
  security,
  request: { body: { content: { 'application/json': { schema: SecretCreateSchema } }, required: true } },
  responses: {
    201: { description: 'Stored (without its value)', content: { 'application/json': { schema: SecretSchema } } },
    400: problemResponse('Invalid name or value'),
    409: problemResponse('The tenant holds the most secrets allowed'),
    ...common,
  },
});

const listSecretsRoute = createRoute({
  method: 'get',
  path: '/v1/secrets',
  summary: "Your secrets' names",
  security,
  responses: { 200: { description: 'Names and dates; never values', content: { 'application/json': { schema: z.object({ items: z.array(SecretSchema) }) } } }, ...common },
});

const deleteSecretRoute = createRoute({
  method: 'delete',
  path: '/v1/secrets/{name}',
  summary: 'Delete a secret',
  description: 'Jobs that refer to it and have not started yet will fail to start with a reason naming it.',
  security,
  request: { params: SecretNameParams },
  responses: { 204: { description: 'Deleted' }, 404: problemResponse('No such secret'), ...common },
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
