import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { cancelJob, getJob, listJobs, submitJob } from '../../core/jobs-service.js';
import { hasDeadline } from '../../core/deadline.js';
import { deadlineAtSubmit, type DeadlineRefusal } from '../../core/deadline-check.js';
import type { Job, JobSpec } from '../../core/job.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problem, validationProblem, type FieldError } from '../problem.js';
import { webhookUrlError } from '../../webhooks/submit-check.js';
import { acceptedGpuModelsOf } from '../../core/gpu-models.js';
import {
  gpuModelErrors,
  JobIdParams,
  JobListSchema,
  JobSchema,
  JobSpecSchema,
  LIMITS,
  ListQuery,

} from '../schemas.js';
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemOf } from '../openapi-responses.js';
import { CANCELLED_JOB_EXAMPLE, JOB_EXAMPLE, JOB_SPEC_EXAMPLE, QUEUED_JOB_EXAMPLE } from '../openapi-examples.js';

const security = [{ bearerAuth: [] }];
const tags = ['Jobs'];

/** What a customer sees of a job: never the tenant, version or lease. */
// DynamoDB maps come back in no particular order; a person reading JSON wants the order
// they wrote it in, so the views put keys in the schema's order.
const inOrder = <T extends object>(value: T, order: readonly string[]): T => {
  const entries = Object.entries(value);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b))) as T;
};
const SPEC_ORDER = ['name', 'image', 'command', 'env', 'secrets', 'imageCredentials', 'resources', 'maxDurationSeconds', 'maxPricePerGpuHourUsd', 'maxQueueSeconds', 'placement', 'webhookUrl', 'outputs', 'checkpoint', 'metadata'];
const GPU_ORDER = ['models', 'count', 'minVramGb'];
const PLACEMENT_ORDER = ['strategy', 'networks', 'regions', 'fallback'];
const ATTEMPT_ORDER = ['id', 'provider', 'status', 'gpuModel', 'pricePerGpuHourMicroUsd', 'createdAt', 'startedAt', 'endedAt', 'releasedAt', 'exitCode', 'exitCodeSource', 'lostBy', 'resumedFrom', 'reason', 'outputTail'];

const specView = (spec: JobSpec): JobSpec =>
  inOrder(
    {
      ...spec,
      resources: inOrder({ ...spec.resources, gpu: inOrder(spec.resources.gpu, GPU_ORDER) }, ['gpu', 'cpu', 'memoryGb']),
      placement: inOrder(spec.placement, PLACEMENT_ORDER),
    },
    SPEC_ORDER,
  );

export const jobView = (job: Job) => ({
  id: job.id,
  status: job.status,
  ...(job.reason ? { reason: job.reason } : {}),
  createdAt: job.createdAt,
  updatedAt: job.updatedAt,
  spec: specView(job.spec),
  // The customer's own price only: the provider's cost (and so the margin) stays internal.
  attempts: job.attempts.map(
    ({ offerId: _offerId, providerRef: _ref, hostId: _host, movedOff: _moved, releaseTries: _tries, nextReleaseAt: _next, releaseNote: _note, launchState: _state, pricePerGpuHourUsd: _cost, customerPricePerGpuHourMicroUsd: price, ...attempt }) =>
      inOrder({ ...attempt, ...(price !== undefined ? { pricePerGpuHourMicroUsd: price } : {}) }, ATTEMPT_ORDER),
  ),
  // The latest checkpoint (never its storage key): the next attempt resumes from it.
  ...(job.checkpoint ? { checkpoint: { savedAt: job.checkpoint.savedAt, sizeBytes: job.checkpoint.sizeBytes, attemptId: job.checkpoint.attemptId } } : {}),
  // What the customer pays, once the finished job is settled.
  ...(job.costMicroUsd !== undefined ? { costMicroUsd: job.costMicroUsd } : {}),
});

const submitRoute = createRoute({
  method: 'post',
  path: '/v1/jobs',
  operationId: 'createJob',
  tags,
  summary: 'Submit a job',
  description:
    'Queues a GPU job. Send an Idempotency-Key header to make retries safe: the same key and body return the same job (with Idempotent-Replayed: true). ' +
    'A hold for the job\'s ceiling (maxPricePerGpuHourUsd × GPUs × maxDurationSeconds) is placed on your budget or prepaid balance; a job that does not fit is refused with 402.',
  security,
  request: {
    headers: z.object({
      'idempotency-key': z
        .string()
        .min(1)
        .max(LIMITS.idempotencyKeyChars)
        .regex(/^[\x21-\x7e]+$/)
        .optional()
        .openapi({ description: 'Any printable ASCII string up to 255 characters, unique per job you mean to create; a retry with the same key and body returns the same job.', example: 'train-2026-12-02-a' }),
    }),
    body: jsonBody(JobSpecSchema, JOB_SPEC_EXAMPLE),
  },
  responses: {
    202: {
      ...jsonResponse(JobSchema, 'The job, queued (or the earlier job, for a replayed Idempotency-Key)', QUEUED_JOB_EXAMPLE),
      headers: {
        Location: { description: "The job's URL.", schema: { type: 'string', example: '/v1/jobs/job_4f1c2a9e0b7d3c5a8e6f1b2d' } },
        'Idempotent-Replayed': { description: '"true" when the answer is the earlier job for this Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
      },
    },
    400: problemOf(400, 'Invalid body or header; every invalid field is named (an unknown GPU model or network names the valid ones)'),
    402: problemOf(402, 'The job does not fit: monthly budget exceeded, prepaid balance too low, or an invoice overdue'),
    413: bodyTooLarge,
    415: problemOf(415, 'Body is not JSON'),
    422: problemOf(422, 'Idempotency-Key reused with a different body, or a deadline no offer can meet (`bound`: deadline-passed, max-duration, no-offer or start-delay)'),
    ...apiKeyProblems('jobs:write'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}',
  operationId: 'getJob',
  tags,
  summary: 'Get a job',
  description: 'The job with its spec, every attempt (provider, GPU, price, exit code) and, once settled, what it cost you.',
  security,
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(JobSchema, 'The job', JOB_EXAMPLE),
    400: problemOf(400, 'Invalid job id'),
    404: problemOf(404, 'No such job'),
    ...apiKeyProblems('jobs:read'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/jobs',
  operationId: 'listJobs',
  tags,
  summary: 'List jobs, newest first',
  description: 'A page of your jobs, newest first; pass nextCursor back as cursor for the next page. Filter by status, name, or metadata with metadata[<key>]=<value> (every pair must match).',
  security,
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(JobListSchema, 'A page of jobs', { items: [JOB_EXAMPLE], nextCursor: 'eyJwayI6IlRFTkFOVCMifQ' }),
    400: problemOf(400, 'Invalid query: status, limit, cursor or a metadata filter'),
    ...apiKeyProblems('jobs:read'),
  },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/v1/jobs/{id}/cancel',
  operationId: 'cancelJob',
  tags,
  summary: 'Cancel a job',
  description: 'Moves the job to cancelled and stops its running attempt at the provider; the answer carries what the job cost up to the cancel. Takes no body.',
  security,
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(JobSchema, 'The cancelled job', CANCELLED_JOB_EXAMPLE),
    400: problemOf(400, 'Invalid job id'),
    404: problemOf(404, 'No such job'),
    409: problemOf(409, 'The job already finished, or it kept changing while being cancelled (retry)'),
    ...apiKeyProblems('jobs:write'),
  },
});

/** Every secret the spec names (spec.secrets, spec.imageCredentials) that the tenant lacks, as field errors. */
const unknownSecretErrors = async (deps: ApiDeps, tenantId: string, spec: JobSpec): Promise<Array<FieldError & { name: string }>> => {
  const refs: Array<{ name: string; field: string[] }> = [
    ...Object.entries(spec.secrets ?? {}).map(([env, name]) => ({ name, field: ['secrets', env] })),
    ...(spec.imageCredentials ? [{ name: spec.imageCredentials, field: ['imageCredentials'] }] : []),
  ];
  if (refs.length === 0) return [];
  const detail = (name: string) => (deps.secrets ? `no secret named "${name}"; create it with POST /v1/secrets` : 'secrets are not enabled on this deployment');
  const missing = new Set(deps.secrets ? await deps.secrets.missing(tenantId, refs.map((r) => r.name)) : refs.map((r) => r.name));
  return refs
    .filter((r) => missing.has(r.name))
    .map((r) => ({ name: r.name, field: r.field.join('.'), pointer: `/${r.field.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`, detail: detail(r.name) }));
};

/** A deadline no offer can meet (src/core/deadline-check.ts); provider stats are advisory. */
const deadlineRefusal = async (deps: ApiDeps, spec: JobSpec): Promise<DeadlineRefusal | undefined> => {
  if (!hasDeadline(spec)) return undefined;
  const now = deps.jobs.clock.now();
  const stats = await deps.stats?.getMany(deps.providers.all().map((p) => p.name)).catch(() => undefined);
  return deadlineAtSubmit(deps.providers.all(), spec, { now, ...(stats ? { stats } : {}) });
};

/** `metadata[key]=value` pairs from the query string (Stripe's spelling); every pair must match. */
const metadataFilter = (query: Record<string, string>): { pairs: Record<string, string> } | { errors: FieldError[] } => {
  const pairs: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [param, value] of Object.entries(query)) {
    if (!param.startsWith('metadata')) continue;
    const match = /^metadata\[([^\[\]\s]{1,40})\]$/.exec(param);
    if (!match) errors.push({ field: param, pointer: `/${param}`, detail: `use metadata[<key>]=<value> with a key of 1-${LIMITS.metadataKeyChars} characters, no brackets or spaces` });
    else if (value.length > LIMITS.metadataValueChars) errors.push({ field: param, pointer: `/${param}`, detail: `at most ${LIMITS.metadataValueChars} characters` });
    else pairs[match[1]!] = value;
  }
  if (Object.keys(pairs).length > LIMITS.metadataFilters) errors.push({ field: 'metadata', pointer: '/metadata', detail: `at most ${LIMITS.metadataFilters} metadata filters` });
  return errors.length > 0 ? { errors } : { pairs };
};

/** A job that names only clouds but does not allow them could never run: say so now, not at dispatch. */
const onlyCloudsWithoutFallback = (deps: ApiDeps, spec: JobSpec) => {
  const named = spec.placement.networks ?? [];
  if (named.length === 0 || spec.placement.fallback === 'cloud') return undefined;
  if (!named.every((n) => deps.providers.get(n)?.kind === 'cloud')) return undefined;
  return {
    field: 'placement.fallback',
    pointer: '/placement/fallback',
    detail: `placement.networks names only clouds (${named.join(', ')}), and clouds run a job only with fallback "cloud"; set "fallback": "cloud" or name a network`,
  };
};

export const registerJobRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  app.use('/v1/jobs', async (c, next) => (c.req.method === 'POST' ? requireScope('jobs:write')(c, next) : requireScope('jobs:read')(c, next)));
  app.use('/v1/jobs/:id/cancel', requireScope('jobs:write'));
  app.use('/v1/jobs/:id', requireScope('jobs:read'));

  app.openapi(submitRoute, async (c) => {
    const spec = c.req.valid('json') as JobSpec;
    const unknown = (spec.placement.networks ?? []).filter((n) => !deps.providers.get(n));
    if (unknown.length > 0) {
      const known = deps.providers.all().map((p) => p.name).join(', ');
      const errors = unknown.map((name) => {
        const index = spec.placement.networks!.indexOf(name);
        return { field: `placement.networks.${index}`, pointer: `/placement/networks/${index}`, detail: `unknown network "${name}"; known: ${known}` };
      });
      return problem(c, 400, 'validation', 'Invalid request', `Unknown network: ${unknown.join(', ')}`, { errors }) as never;
    }
    const onlyClouds = onlyCloudsWithoutFallback(deps, spec);
    if (onlyClouds) return validationProblem(c, [onlyClouds]) as never;
    const acceptedModels = acceptedGpuModelsOf(deps.providers.all());
    const gpuErrors = gpuModelErrors(spec.resources.gpu.models, acceptedModels);
    if (gpuErrors.length > 0) {
      return problem(c, 400, 'validation', 'Invalid request', `Unknown GPU model; valid models: ${acceptedModels.join(', ')} (GET /v1/providers lists what is on offer now).`, { errors: gpuErrors }) as never;
    }
    const webhookError = await webhookUrlError(spec.webhookUrl, deps.webhookPolicy, deps.webhookResolver);
    if (webhookError) return validationProblem(c, [webhookError]) as never;
    const secretErrors = await unknownSecretErrors(deps, c.get('tenantId'), spec);
    if (secretErrors.length > 0) {
      const names = [...new Set(secretErrors.map((e) => e.name))];
      return problem(c, 400, 'validation', 'Invalid request', `Unknown secret: ${names.join(', ')}`, { errors: secretErrors.map(({ name: _n, ...e }) => e) }) as never;
    }
    const late = await deadlineRefusal(deps, spec);
    if (late) return problem(c, 422, 'deadline-infeasible', 'The deadline cannot be met', late.detail, { bound: late.bound }) as never;
    const { job, created } = await submitJob(deps.jobs, c.get('tenantId'), spec, c.req.valid('header')['idempotency-key']);
    if (!created) c.header('idempotent-replayed', 'true');
    c.header('location', `/v1/jobs/${job.id}`);
    return c.json(jobView(job), 202);
  });

  app.openapi(getRoute, async (c) => c.json(jobView(await getJob(deps.jobs, c.get('tenantId'), c.req.valid('param').id)), 200));

  app.openapi(listRoute, async (c) => {
    const { name, ...query } = c.req.valid('query');
    const metadata = metadataFilter(c.req.query());
    if ('errors' in metadata) return validationProblem(c, metadata.errors, 'query string') as never;
    const filter = { ...(name !== undefined ? { name } : {}), ...(Object.keys(metadata.pairs).length > 0 ? { metadata: metadata.pairs } : {}) };
    const page = await listJobs(deps.jobs, c.get('tenantId'), { ...query, ...(Object.keys(filter).length > 0 ? { filter } : {}) });
    return c.json({ items: page.items.map(jobView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
  });

  app.openapi(cancelRoute, async (c) => c.json(jobView(await cancelJob(deps.jobs, c.get('tenantId'), c.req.valid('param').id)), 200));
};
