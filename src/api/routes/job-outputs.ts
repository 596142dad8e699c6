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
import { TenantBucketAccessError } from '../../core/tenant-bucket.js';
import { outputsBucket, tenantBucketDenied, type RunTimeApiDeps } from './run-time-deps.js';
import { apiKeyProblems, jsonResponse, problemOf } from '../openapi-responses.js';

export const OutputListSchema = z
  .object({
    status: z.enum(['none', 'listed', 'refused']).openapi({ description: 'none: nothing committed yet; listed: the files below; refused: over the size cap (see reason)' }),
    attemptId: z.string().optional().openapi({ description: 'The attempt that uploaded (or tried to upload) the outputs.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1' }),
    committedAt: z.string().optional().openapi({ description: 'When the agent committed the upload (ISO 8601).', example: '2026-12-02T10:00:08.000Z' }),
    reason: z.string().optional().openapi({ description: 'Why the outputs were refused (status refused).' }),
    items: z
      .array(
        z.object({
          path: z.string().openapi({ description: 'Path relative to spec.outputs.path.', example: 'model/weights.safetensors' }),
          sizeBytes: z.number().int().openapi({ description: 'File size in bytes.', example: 1048576 }),
          sha256: z.string().openapi({ description: 'Hex SHA-256 of the file, as the agent computed it.', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }),
          url: z.string().openapi({ description: 'Presigned GET; expires at expiresAt' }),
          expiresAt: z.string().openapi({ description: 'When url stops working (ISO 8601); list again for a fresh one.' }),
        }),
      )
      .openapi({ description: 'The committed files; empty unless status is listed.' }),
  })
  .openapi('JobOutputs');

const route = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/outputs',
  operationId: 'listJobOutputs',
  tags: ['Outputs'],
  summary: "A job's outputs",
  description: 'Files the command left in spec.outputs.path, uploaded by the agent at exit to <outputs bucket>/<tenant>/<job>/. Download URLs are short-lived; list again for fresh ones.',
  security: [{ bearerAuth: [] }],
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(OutputListSchema, 'The outputs', {
      status: 'listed',
      attemptId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1',
      committedAt: '2026-12-02T10:00:08.000Z',
      items: [
        {
          path: 'model/weights.safetensors',
          sizeBytes: 1048576,
          sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          url: 'http://127.0.0.1:8787/outputs/acme/job_4f1c2a9e0b7d3c5a8e6f1b2d/model/weights.safetensors?X-Amz-Signature=…',
          expiresAt: '2026-12-02T10:15:08.000Z',
        },
      ],
    }),
    400: problemOf(400, 'Invalid job id'),
    404: problemOf(404, 'No such job'),
    ...apiKeyProblems('jobs:read'),
    403: problemOf(403, "The key lacks the jobs:read scope, or the tenant's own outputs bucket refused us (its role could not be assumed)"),
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
    let bucket;
    try {
      bucket = await outputsBucket(agent, runTime, listed.bucket); // where these files went, whatever the setting is now
    } catch (error) {
      if (error instanceof TenantBucketAccessError) return tenantBucketDenied(c, error) as never;
      throw error;
    }
    const items = await Promise.all(
      listed.files.map(async (f) => ({ path: f.path, sizeBytes: f.sizeBytes, sha256: f.sha256, url: await bucket.presignGet(outputKey(job.tenantId, job.id, f.path), seconds), expiresAt })),
    );
    return c.json({ status: 'listed' as const, attemptId: listed.attemptId, committedAt: listed.committedAt, items }, 200);
  });
};
