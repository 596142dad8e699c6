// Builds a Hono app from route groups: the shared middleware (request ids, problem+json
// errors, body limit, 405s, API-key auth and the per-key rate limit) around whichever
// groups a deployment unit serves. Local mode serves every group on one server
// (./app.ts); each Lambda entry point serves only its own, so its bundle carries only
// that group's dependencies. Groups served elsewhere can still be described, so that
// one /openapi.json documents the whole API.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { ZodError } from 'zod';
import { InvalidCursorError } from '../adapters/dynamodb/cursor.js';
import { IdempotencyMismatchError, JobFinishedError, NotFoundError } from '../core/errors.js';
import { ConflictError } from '../core/ports.js';
import { rateLimit } from '../ratelimit/middleware.js';
import { requireApiKey } from './auth.js';
import { bodyLimit } from './body-limit.js';
import type { ApiDeps, ApiEnv } from './context.js';
import { renderDocsPage } from './docs.js';
import { registerDashboard } from './dashboard.js';
import { fieldErrors, problem, validationProblem } from './problem.js';
import { moneyErrorResponse } from './routes/money-errors.js';
import { LIMITS } from './schemas.js';
import { OPENAPI_CONFIG, registerSecuritySchemes } from './openapi-info.js';

export type Api = OpenAPIHono<ApiEnv>;

/** A set of routes deployed together. */
export interface RouteGroup {
  name: string;
  /** Routes that authenticate themselves (a signature, an agent token), before API-key auth. */
  beforeAuth?: (app: Api, deps: ApiDeps) => void;
  /** Routes behind API-key auth and the per-key rate limit. */
  afterAuth?: (app: Api, deps: ApiDeps) => void;
}

export interface AppComposition {
  serve: RouteGroup[];
  /** Groups another function serves: in /openapi.json, not routed here. */
  describe?: RouteGroup[];
}

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['System'],
  summary: 'Health check',
  description: 'Answers 200 while the API is up. Needs no key.',
  security: [],
  responses: {
    200: {
      description: 'The API is up',
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('ok').openapi({ description: 'Always "ok" when the API answers.' }) }).openapi('Health', { description: 'The health check answer.' }),
          example: { status: 'ok' },
        },
      },
    },
  },
});

const isAgentPath = (path: string): boolean => path.startsWith('/v1/agent/');

const validationHook = (): ConstructorParameters<typeof OpenAPIHono<ApiEnv>>[0] => ({
  defaultHook: (result, c) => {
    if (result.success) return;
    const where = result.target === 'json' ? 'request body' : result.target === 'query' ? 'query string' : `request ${result.target}`;
    return validationProblem(c, fieldErrors(result.error), where);
  },
});

/** Registers the described groups on a throwaway app and copies only their OpenAPI entries. */
const describeGroups = (app: Api, deps: ApiDeps, groups: RouteGroup[]): void => {
  if (groups.length === 0) return;
  const side: Api = new OpenAPIHono<ApiEnv>();
  for (const group of groups) {
    group.beforeAuth?.(side, deps);
    group.afterAuth?.(side, deps);
  }
  for (const def of side.openAPIRegistry.definitions) {
    if (def.type === 'route') app.openAPIRegistry.registerPath(def.route);
    else if (def.type === 'component') app.openAPIRegistry.registerComponent(def.componentType, def.name, def.component as never);
    else throw new Error(`describeGroups: unsupported OpenAPI definition ${def.type}`);
  }
};

export const composeApp = (deps: ApiDeps, composition: AppComposition): Api => {
  const app = new OpenAPIHono<ApiEnv>(validationHook());

  // Before everything: every response, problems included, carries a Request-Id (a caller's own is kept when sane).
  app.use('*', requestId({ headerName: 'Request-Id' }));

  app.onError((error, c) => {
    const money = moneyErrorResponse(error, c);
    if (money) return money;
    if (error instanceof NotFoundError) return problem(c, 404, 'not-found', 'Not found', 'No job with this id exists for your tenant.');
    if (error instanceof JobFinishedError) return problem(c, 409, 'job-finished', 'Job already finished', error.message, { jobStatus: error.status });
    if (error instanceof IdempotencyMismatchError) return problem(c, 422, 'idempotency-mismatch', 'Idempotency-Key reused', error.message);
    if (error instanceof InvalidCursorError) return validationProblem(c, [{ field: 'cursor', pointer: '/cursor', detail: error.message }], 'query string');
    if (error instanceof ConflictError) return problem(c, 409, 'conflict', 'Conflict', error.message);
    if (error instanceof ZodError) return validationProblem(c, fieldErrors(error));
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status === 400) return problem(c, 400, 'malformed-body', 'Malformed request', 'The request body is not valid JSON.');
      return problem(c, status as 400, 'http-error', error.message || 'Request error', error.message || 'The request could not be processed.');
    }
    deps.log?.('unhandled error', { error: String(error), stack: (error as Error).stack, path: c.req.path, requestId: c.get('requestId') });
    return problem(c, 500, 'internal', 'Internal error', 'Something went wrong on our side; the request can be retried safely.');
  });

  app.notFound((c) => problem(c, 404, 'not-found', 'Not found', `No route for ${c.req.method} ${c.req.path}.`));

  // First: every body is read (or drained) before anything answers, so errors keep the connection.
  app.use(
    '*',
    bodyLimit({
      maxBytes: LIMITS.bodyBytes,
      drainBytes: LIMITS.drainBodyBytes,
      tooLarge: (c) => problem(c, 413, 'body-too-large', 'Body too large', `Request bodies are limited to ${LIMITS.bodyBytes} bytes.`),
    }),
  );

  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problem(c, 405, 'method-not-allowed', 'Method not allowed', `Use ${methods.join(', ')} on ${c.req.path}.`, {}, { allow: methods.join(', ') }),
    }),
  );

  app.use('/v1/*', async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (c.req.method === 'POST' && c.req.path === '/v1/jobs' && !/^application\/(.+\+)?json\b/i.test(type)) {
      return problem(c, 415, 'unsupported-media-type', 'Unsupported media type', 'Send the job as JSON with Content-Type: application/json.');
    }
    await next();
  });

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
  // These handlers answer without calling next, so the API-key middleware below never runs for them.
  for (const group of composition.serve) group.beforeAuth?.(app, deps);
  const apiKeyAuth = requireApiKey(deps.tenants, { clock: deps.jobs.clock, ...(deps.adminKey ? { adminKey: deps.adminKey } : {}) });
  const keyRateLimit = deps.rateLimiter ? rateLimit(deps.rateLimiter) : undefined;
  app.use('/v1/*', async (c, next) => (deps.agent && isAgentPath(c.req.path) ? next() : apiKeyAuth(c, next)));
  if (keyRateLimit) app.use('/v1/*', async (c, next) => (deps.agent && isAgentPath(c.req.path) ? next() : keyRateLimit(c, next)));
  for (const group of composition.serve) group.afterAuth?.(app, deps);
  describeGroups(app, deps, composition.describe ?? []);

  registerSecuritySchemes(app);
  // The routes are fixed once the app is built: generate the document (~20 ms) once, not per request.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  let page: string | undefined;
  const openApiDocument = () => (document ??= app.getOpenAPI31Document(OPENAPI_CONFIG));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/docs', (c) => c.html((page ??= renderDocsPage(openApiDocument() as never))));
  registerDashboard(app);
  return app;
};
