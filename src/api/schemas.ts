// Request and response schemas. They validate input and generate the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { JOB_STATUSES } from '../core/job.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const REGION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export const LIMITS = {
  bodyBytes: 64 * 1024,
  /** An oversized body up to this size is read and discarded, so its 413 keeps the connection. */
  drainBodyBytes: 8 * 1024 * 1024,
  imageChars: 512,
  commandItems: 256,
  commandItemChars: 4096,
  envVars: 100,
  envNameChars: 128,
  envValueChars: 4096,
  gpuModels: 16,
  gpuCount: 64,
  maxDurationSeconds: 7 * 24 * 3600,
  maxPricePerGpuHourUsd: 1000,
  networks: 32,
  regions: 32,
  urlChars: 2048,
  idempotencyKeyChars: 255,
  listLimit: 100,
} as const;

export const GpuSchema = z
  .object({
    models: z.array(z.string().min(1).max(64)).min(1).max(LIMITS.gpuModels).openapi({ example: ['H100', 'A100-80GB'] }),
    count: z.number().int().min(1).max(LIMITS.gpuCount).openapi({ example: 1 }),
    minVramGb: z.number().min(0).max(1024).optional(),
  })
  .strict();

export const JobSpecSchema = z
  .object({
    image: z.string().min(1).max(LIMITS.imageChars).openapi({ example: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime' }),
    command: z
      .array(z.string().max(LIMITS.commandItemChars))
      .min(1)
      .max(LIMITS.commandItems)
      .openapi({ example: ['python', '-c', 'print("hello from a GPU")'] }),
    env: z
      .record(z.string().regex(ENV_NAME, 'must be a valid environment variable name').max(LIMITS.envNameChars), z.string().max(LIMITS.envValueChars))
      .refine((env) => Object.keys(env).length <= LIMITS.envVars, `at most ${LIMITS.envVars} variables`)
      .optional(),
    resources: z
      .object({
        gpu: GpuSchema,
        cpu: z.number().min(0).max(512).optional(),
        memoryGb: z.number().min(0).max(4096).optional(),
      })
      .strict(),
    maxDurationSeconds: z.number().int().min(1).max(LIMITS.maxDurationSeconds).openapi({ example: 3600 }),
    maxPricePerGpuHourUsd: z.number().gt(0).max(LIMITS.maxPricePerGpuHourUsd).openapi({ example: 2.5 }),
    placement: z
      .object({
        strategy: z.enum(['cheapest', 'fastest', 'balanced']).default('cheapest'),
        networks: z.array(z.string().regex(NETWORK_NAME, 'must be a provider name like "akash"')).min(1).max(LIMITS.networks).optional(),
        fallback: z.enum(['cloud', 'none']).default('cloud'),
        regions: z.array(z.string().regex(REGION_NAME, 'must be a region name like "us-east-1" or "US"')).min(1).max(LIMITS.regions).optional(),
      })
      .strict()
      .default({ strategy: 'cheapest', fallback: 'cloud' }),
    webhookUrl: z.url({ protocol: /^https?$/ }).max(LIMITS.urlChars).optional(),
  })
  .strict()
  .openapi('JobSpec');

export const AttemptSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    status: z.string(),
    gpuModel: z.string(),
    pricePerGpuHourUsd: z.number(),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    reason: z.string().optional(),
    exitCode: z.number().int().optional(),
    outputTail: z.string().optional(),
  })
  .openapi('Attempt');

export const JobStatusSchema = z.enum(JOB_STATUSES);

export const JobSchema = z
  .object({
    id: z.string().openapi({ example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
    status: JobStatusSchema,
    reason: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    spec: JobSpecSchema,
    attempts: z.array(AttemptSchema),
    costMicroUsd: z.number().int().optional().openapi({ description: 'What you pay for the job, in micro-dollars; present once the finished job is settled.' }),
  })
  .openapi('Job');

export const JobListSchema = z.object({ items: z.array(JobSchema), nextCursor: z.string().optional() }).openapi('JobList');

export const JobEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    type: z.enum(['status', 'attempt']),
    from: z.string().optional(),
    to: z.string(),
    attemptId: z.string().optional(),
    provider: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('JobEvent');

export const ProviderSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['decentralized', 'cloud', 'local']),
    enabled: z.boolean(),
    health: z.enum(['healthy', 'degraded', 'down', 'disabled']),
    note: z.string().optional(),
    gpus: z.array(z.object({ model: z.string(), vramGb: z.number(), pricePerGpuHourUsd: z.number(), regions: z.array(z.string()).optional() })),
  })
  .openapi('Provider');

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), pointer: z.string(), detail: z.string() })).optional(),
  })
  .openapi('Problem');

export const JobIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
});

export const ListQuery = z.object({
  status: JobStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(LIMITS.listLimit).default(20).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});
