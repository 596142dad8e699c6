// GET /v1/jobs/{id}/outputs: the files the job's agent uploaded and committed, each with its
// size, SHA-256 and a short-lived presigned download URL. Empty until a commit; when outputs
// were refused (over the cap) the listing says why.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getJob } from '../../core/jobs-service.js';
import { outputKey } from '../../core/outputs.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { JobIdParams } from '../schemas.js';
import type { AgentApiDeps } from './agent-deps.js';
import type { RunTimeApiDeps } from './run-time-deps.js';
import { problemResponse } from '../openapi-responses.js';

export const OutputListSchema = z
  .object({
    status: z.enum(['none', 'listed', 'refused']).openapi({ description: 'none: nothing committed yet; refused: over the size cap (see reason)' }),
    attemptId: z.string().optional(),
    committedAt: z.string().optional(),
    reason: z.string().optional(),
    items: z.array(
      z.object({
        path: z.string(),
        sizeBytes: z.number().int(),
        sha256: z.string(),
        url: z.string().openapi({ description: 'Presigned GET; expires at expiresAt' }),
        expiresAt: z.string(),
      }),
    ),
  })
  .openapi('JobOutputs');

const route = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/outputs',
  summary: "A job's outputs",
  description: 'Files the command left in spec.outputs.path, uploaded by the agent at exit to <outputs bucket>/<tenant>/<job>/. Download URLs are short-lived; list again for fresh ones.',
  security: [{ bearerAuth: [] }],
  request: { params: JobIdParams },
  responses: {
    200: { description: 'The outputs', content: { 'application/json': { schema: OutputListSchema } } },
    404: problemResponse('No such job'),
    401: problemResponse('Missing or invalid API key'),
    403: problemResponse('The key lacks jobs:read'),
  },
});

export const registerJobOutputsRoute = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, agent: AgentApiDeps, runTime: RunTimeApiDeps): void => {
  app.use('/v1/jobs/:id/outputs', requireScope('jobs:read'));
  app.openapi(route, async (c) => {
    const job = await getJob(deps.jobs, c.get('tenantId'), c.req.valid('param').id);
    const listed = await runTime.outputs.committed(job.id);
    if (!listed?.committedAt) {
      const refused = await runTime.outputs.refusal(job.id);
      return c.json(refused ? { status: 'refused' as const, attemptId: refused.attemptId, reason: refused.reason, items: [] } : { status: 'none' as const, items: [] }, 200);
    }
    const seconds = runTime.downloadUrlSeconds;
    const expiresAt = new Date(deps.jobs.clock.now().getTime() + seconds * 1000).toISOString();
    const items = await Promise.all(
      listed.files.map(async (f) => ({ ...f, url: await agent.buckets.outputs.presignGet(outputKey(job.tenantId, job.id, f.path), seconds), expiresAt })),
    );
    return c.json({ status: 'listed' as const, attemptId: listed.attemptId, committedAt: listed.committedAt, items }, 200);
  });
};
