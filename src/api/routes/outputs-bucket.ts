// The tenant's own outputs bucket: PUT /v1/outputs-bucket { bucket, region, roleArn,
// externalId } (validated, and the role assumed once before it is stored, so a setting that
// cannot work is refused now rather than at a job's exit), GET (the setting; nothing in it
// is a secret), DELETE (back to the stack's bucket). Jobs that declare outputs afterwards
// upload there; outputs already listed stay where they went.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { externalIdPrefix, TenantBucketAccessError, tenantBucketErrors } from '../../core/tenant-bucket.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemOf } from '../openapi-responses.js';
import { problem, validationProblem } from '../problem.js';
import { tenantBucketDenied, type RunTimeApiDeps } from './run-time-deps.js';

const security = [{ bearerAuth: [] }];
const tags = ['Outputs'];
const PATH = '/v1/outputs-bucket';

const OutputsBucketSchema = z
  .object({
    bucket: z.string().max(63).openapi({ description: 'Your S3 bucket; outputs go under <tenant>/<job>/.', example: 'acme-ml-outputs' }),
    region: z.string().max(32).openapi({ description: "The bucket's AWS region.", example: 'eu-west-1' }),
    roleArn: z.string().max(2048).openapi({ description: 'A role in your account that Switchyard may assume (trust policy: our account, with sts:ExternalId).', example: 'arn:aws:iam::123456789012:role/switchyard-outputs' }),
    externalId: z.string().max(1224).openapi({ description: 'The sts:ExternalId your trust policy requires: "switchyard-<your tenant id>-" and at least 8 characters of your choosing.', example: 'switchyard-acme-7f3k9q2m' }),
  })
  .strict()
  .openapi('OutputsBucket', { description: "Your own bucket for job outputs, reached through a role you grant (never your keys)." });

const EXAMPLE = { bucket: 'acme-ml-outputs', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/switchyard-outputs', externalId: 'switchyard-acme-7f3k9q2m' };

const putRoute = createRoute({
  method: 'put',
  path: PATH,
  operationId: 'putOutputsBucket',
  tags,
  summary: 'Send outputs to your own bucket',
  description: "Stores where your jobs' outputs go, after assuming the role once (AssumeRole with the external id). Outputs declared from then on are uploaded there and listed from there.",
  security,
  request: { body: jsonBody(OutputsBucketSchema, EXAMPLE) },
  responses: {
    200: jsonResponse(OutputsBucketSchema, 'Stored', EXAMPLE),
    400: problemOf(400, 'Not a bucket name, region, role ARN or external id of the required form'),
    413: bodyTooLarge,
    422: problemOf(422, 'The role could not be assumed with this external id (AccessDenied, unknown role)'),
    ...apiKeyProblems('jobs:write'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: PATH,
  operationId: 'getOutputsBucket',
  tags,
  summary: 'Your outputs bucket',
  description: "Your own outputs bucket's setting; 404 while outputs go to Switchyard's bucket.",
  security,
  responses: { 200: jsonResponse(OutputsBucketSchema, 'The setting', EXAMPLE), 404: problemOf(404, 'No own bucket set'), ...apiKeyProblems('jobs:read') },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: PATH,
  operationId: 'deleteOutputsBucket',
  tags,
  summary: "Back to Switchyard's outputs bucket",
  description: "Outputs declared from now on go to Switchyard's bucket; those already listed stay in yours.",
  security,
  responses: { 204: { description: 'Removed (or there was none)' }, ...apiKeyProblems('jobs:write') },
});

export const registerOutputsBucketRoutes = (app: OpenAPIHono<ApiEnv>, runTime: RunTimeApiDeps): void => {
  const tenantBuckets = runTime.tenantBuckets;
  if (!tenantBuckets) return;
  app.use(PATH, async (c, next) => (c.req.method === 'GET' ? requireScope('jobs:read')(c, next) : requireScope('jobs:write')(c, next)));

  app.openapi(putRoute, async (c) => {
    const tenantId = c.get('tenantId');
    const setting = c.req.valid('json');
    const errors = Object.entries(tenantBucketErrors(tenantId, setting)).map(([field, detail]) => ({ field, pointer: `/${field}`, detail }));
    if (errors.length > 0) return validationProblem(c, errors, 'request body') as never;
    if (!tenantBuckets.access) return problem(c, 422, 'output-bucket-unsupported', 'Own buckets unavailable', 'This deployment cannot assume tenant roles.') as never;
    try {
      await tenantBuckets.access.open(setting);
    } catch (error) {
      if (error instanceof TenantBucketAccessError) return tenantBucketDenied(c, error, 422) as never;
      throw error;
    }
    await tenantBuckets.store.put(tenantId, setting);
    return c.json(setting, 200);
  });

  app.openapi(getRoute, async (c) => {
    const setting = await tenantBuckets.store.get(c.get('tenantId'));
    if (!setting) return problem(c, 404, 'not-found', 'No own bucket', `Outputs go to Switchyard's bucket; set yours with PUT ${PATH} (external id "${externalIdPrefix(c.get('tenantId'))}…").`) as never;
    return c.json(setting, 200);
  });

  app.openapi(deleteRoute, async (c) => {
    await tenantBuckets.store.delete(c.get('tenantId'));
    return c.body(null, 204);
  });
};
