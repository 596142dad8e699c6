// The operator's view of a job: what the customer sees, plus what it costs us. Customers
// never see the provider's price or the margin (routes/jobs.ts drops both); the admin
// scope sees both side by side, per attempt.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { usdToMicro } from '../../money/amounts.js';
import { hedgeLossSeconds } from '../../core/hedge-loss.js';
import { DEFAULT_BILLING } from '../../core/provider.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { apiKeyProblems, jsonResponse, problemOf } from '../openapi-responses.js';
import { JOB_EXAMPLE } from '../openapi-examples.js';
import { problem } from '../problem.js';
import { JobIdParams, JobSchema } from '../schemas.js';
import { jobView } from './jobs.js';

const AttemptEconomicsSchema = z
  .object({
    attemptId: z.string().openapi({ description: 'The attempt (as in job.attempts[].id).', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1' }),
    provider: z.string().openapi({ description: 'Where the attempt ran.', example: 'vastai' }),
    gpuModel: z.string().openapi({ description: 'The GPU model of the offer it ran on.', example: 'H100' }),
    providerPricePerGpuHourMicroUsd: z.number().int().openapi({ description: "The provider's price per GPU-hour: our cost.", example: 2_000_000 }),
    customerPricePerGpuHourMicroUsd: z.number().int().optional().openapi({ description: "The customer's price per GPU-hour at placement (absent for attempts placed before prices were recorded).", example: 2_300_000 }),
    marginPerGpuHourMicroUsd: z.number().int().optional().openapi({ description: 'Customer price less provider price, per GPU-hour (negative when a rate card sells below cost).', example: 300_000 }),
    hedgeLossMicroUsd: z.number().int().optional().openapi({ description: "A lost hedged start: what its provider bills for it (launch or start to confirmed release, by the provider's billing terms). Our cost; the customer is not billed for it.", example: 41_000 }),
  })
  .openapi('AttemptEconomics', { description: "One attempt's provider cost, customer price and margin per GPU-hour." });

const AdminJobSchema = z
  .object({
    tenantId: z.string().openapi({ description: 'The tenant that owns the job.', example: 'acme' }),
    job: JobSchema.openapi({ description: 'The job exactly as its tenant sees it.' }),
    economics: z.array(AttemptEconomicsSchema).openapi({ description: 'Cost and price of every attempt, in attempt order.' }),
  })
  .openapi('AdminJob', { description: "The operator's view of a job: the tenant's view plus what each attempt cost and earned." });

const route = createRoute({
  method: 'get',
  path: '/v1/admin/jobs/{id}',
  operationId: 'getAdminJob',
  tags: ['Admin'],
  summary: "A job with its cost and price (admin)",
  description: "Any tenant's job as that tenant sees it, plus each attempt's provider price, customer price and margin. Needs the admin scope.",
  security: [{ bearerAuth: [] }],
  request: { params: JobIdParams },
  responses: {
    200: jsonResponse(AdminJobSchema, 'The job and its economics', {
      tenantId: 'acme',
      job: JOB_EXAMPLE,
      economics: [
        {
          attemptId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1',
          provider: 'local',
          gpuModel: 'H100',
          providerPricePerGpuHourMicroUsd: 1_800_000,
          customerPricePerGpuHourMicroUsd: 2_100_000,
          marginPerGpuHourMicroUsd: 300_000,
        },
      ],
    }),
    400: problemOf(400, 'Invalid job id'),
    404: problemOf(404, 'No such job'),
    ...apiKeyProblems('admin'),
  },
});

export const registerAdminJobRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  app.use('/v1/admin/jobs/*', requireScope('admin'));
  app.openapi(route, async (c) => {
    const job = await deps.jobs.store.get(c.req.valid('param').id);
    if (!job) return problem(c, 404, 'not-found', 'Job not found', `No job ${c.req.valid('param').id}.`) as never;
    const economics = job.attempts.map((a) => {
      const cost = usdToMicro(a.pricePerGpuHourUsd);
      const price = a.customerPricePerGpuHourMicroUsd;
      return {
        attemptId: a.id,
        provider: a.provider,
        gpuModel: a.gpuModel,
        providerPricePerGpuHourMicroUsd: cost,
        ...(price !== undefined ? { customerPricePerGpuHourMicroUsd: price, marginPerGpuHourMicroUsd: price - cost } : {}),
        ...(a.hedge === 'lost' ? { hedgeLossMicroUsd: Math.ceil((cost * job.spec.resources.gpu.count * hedgeLossSeconds(a, deps.providers.get(a.provider)?.billing ?? DEFAULT_BILLING, job.updatedAt)) / 3600) } : {}),
      };
    });
    return c.json({ tenantId: job.tenantId, job: jobView(job), economics }, 200);
  });
};
