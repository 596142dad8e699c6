// Response entries shared by every route's OpenAPI description: the problem responses that
// middleware answers before a handler runs (auth, scope, rate limit, body limit), written
// once so each route lists every status it can really return.
import { z } from '@hono/zod-openapi';
import { LIMITS, ProblemSchema } from './schemas.js';

const PROBLEM_BASE = 'https://switchyard.dev/problems/';

/** A problem body for examples: what problem() in ./problem.ts sends. */
const problemExample = (status: number, slug: string, title: string, detail: string, extra: Record<string, unknown> = {}) => ({
  type: `${PROBLEM_BASE}${slug}`,
  title,
  status,
  detail,
  instance: '/v1/jobs',
  requestId: '4d2c1b0a-9f8e-4d7c-8b6a-5e4f3d2c1b0a',
  ...extra,
});

const EXAMPLES: Record<number, ReturnType<typeof problemExample>> = {
  400: problemExample(400, 'validation', 'Invalid request', 'The request body has 1 invalid field: resources.gpu.count', {
    errors: [{ field: 'resources.gpu.count', pointer: '/resources/gpu/count', detail: 'Too big: expected number to be <=64' }],
  }),
  401: problemExample(401, 'unauthorized', 'Unauthorized', 'The API key is not valid, has expired or has been revoked.'),
  402: problemExample(402, 'budget-exceeded', 'Monthly budget exceeded', "The job's hold would take this month past its budget."),
  403: problemExample(403, 'forbidden', 'Forbidden', 'This API key lacks the "jobs:write" scope.'),
  404: problemExample(404, 'not-found', 'Not found', 'No job with this id exists for your tenant.'),
  409: problemExample(409, 'job-finished', 'Job already finished', 'The job has already finished (succeeded).', { jobStatus: 'succeeded' }),
  413: problemExample(413, 'body-too-large', 'Body too large', `Request bodies are limited to ${LIMITS.bodyBytes} bytes.`),
  415: problemExample(415, 'unsupported-media-type', 'Unsupported media type', 'Send the job as JSON with Content-Type: application/json.'),
  422: problemExample(422, 'idempotency-mismatch', 'Idempotency-Key reused', 'This Idempotency-Key was used with a different request body.'),
  429: problemExample(429, 'rate-limited', 'Too many requests', 'This API key may make 10 requests per second (bursts of 20); retry after 1 s.', { retryAfterSeconds: 1 }),
};

const generic = (status: number) => problemExample(status, 'http-error', 'Request error', 'The request could not be processed.');

/**
 * An RFC 9457 problem response (application/problem+json) with this description. The
 * example is the usual problem for `status` unless one is given.
 */
export const problemResponse = (description: string, status?: number, example?: Record<string, unknown>) => ({
  description,
  content: {
    'application/problem+json': {
      schema: ProblemSchema,
      example: example ?? (status !== undefined ? (EXAMPLES[status] ?? generic(status)) : EXAMPLES[400]),
    },
  },
});

/** A problem response whose example is the usual one for its status code. */
export const problemOf = (status: keyof typeof EXAMPLES, description: string) => problemResponse(description, status);

const retryAfter = {
  'Retry-After': { description: 'Seconds until the key may send again.', schema: { type: 'integer' as const, example: 1 } },
};

/** 429 from the per-key token bucket (src/ratelimit/middleware.ts), with Retry-After. */
export const rateLimited = (description = 'Rate limit: too many requests for this API key; retry after Retry-After seconds') => ({
  ...problemOf(429, description),
  headers: retryAfter,
});

/** What every API-key route can answer before its handler runs: 401, 403 (the scope), 429. */
export const apiKeyProblems = (scope: string) => ({
  401: problemOf(401, 'Missing or invalid API key'),
  403: problemOf(403, `The key lacks the ${scope} scope`),
  429: rateLimited(),
});

/** 413 from the body limit (src/api/body-limit.ts), for every route that takes a body. */
export const bodyTooLarge = problemOf(413, `Body over ${LIMITS.bodyBytes / 1024} KiB`);

/** A JSON response whose content carries an example (checked against the schema by the linters). */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string, example?: z.input<T>) => ({
  description,
  content: { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } },
});

/** A required JSON request body with an example. */
export const jsonBody = <T extends z.ZodType>(schema: T, example?: z.input<T>) => ({
  content: { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } },
  required: true as const,
});
