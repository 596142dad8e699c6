// Request and response schemas. They validate input and generate the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { unknownGpuModels } from '../core/gpu-models.js';
import { JOB_STATUSES } from '../core/job.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const REGION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** An absolute folder in the container: no "..", no NUL, no newline. */
const RUNTIME_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))\/[^\0\n\r]*$/;

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
  nameChars: 128,
  metadataKeys: 50,
  metadataKeyChars: 40,
  metadataValueChars: 500,
  metadataFilters: 10,
  secretRefs: 50,
  secretNameChars: 128,
  secretValueBytes: 32 * 1024,
  runtimePathChars: 512,
  checkpointMinEverySeconds: 10,
} as const;

/** Tenant secret names: what `secrets` and `imageCredentials` refer to. */
export const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Metadata keys; no brackets, so that `metadata[key]=` in a query string is unambiguous. */
export const METADATA_KEY = /^[^\[\]\s]+$/;

export const SecretNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.secretNameChars)
  .regex(SECRET_NAME, 'must be a secret name: letters, digits, "_", "." or "-", starting with a letter or digit');

export const MetadataSchema = z
  .record(
    z.string().min(1).max(LIMITS.metadataKeyChars).regex(METADATA_KEY, 'must not contain brackets or spaces'),
    z.string().max(LIMITS.metadataValueChars),
  )
  .refine((m) => Object.keys(m).length <= LIMITS.metadataKeys, `at most ${LIMITS.metadataKeys} keys`);

const RuntimePathSchema = z
  .string()
  .min(1)
  .max(LIMITS.runtimePathChars)
  .regex(RUNTIME_PATH, 'must be an absolute path without ".." segments');

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
    maxQueueSeconds: z
      .number()
      .int()
      .min(0)
      .max(LIMITS.maxDurationSeconds)
      .optional()
      .openapi({
        description:
          'How long the job may wait for capacity when every offer it may run on refuses it for lack of capacity (or its networks are out of rotation). It goes back to `queued` with backoff, the reason in its events, and fails only after this long. Default 86400 (24 h).',
        example: 86400,
      }),
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
    name: z.string().min(1).max(LIMITS.nameChars).optional().openapi({ example: 'llama-finetune-7' }),
    metadata: MetadataSchema.optional().openapi({ example: { team: 'ml', run: '42' } }),
    secrets: z
      .record(z.string().regex(ENV_NAME, 'must be a valid environment variable name').max(LIMITS.envNameChars), SecretNameSchema)
      .refine((m) => Object.keys(m).length <= LIMITS.secretRefs, `at most ${LIMITS.secretRefs} secrets`)
      .optional()
      .openapi({
        description: 'Environment variable → name of one of your secrets (POST /v1/secrets). The values reach only the job agent, at start.',
        example: { WANDB_API_KEY: 'wandb' },
      }),
    imageCredentials: SecretNameSchema.optional().openapi({
      description: 'Name of a secret holding registry credentials for a private image: JSON {"username","password"} or "username:password".',
    }),
    outputs: z
      .object({ path: RuntimePathSchema.openapi({ example: '/outputs' }) })
      .strict()
      .optional()
      .openapi({ description: 'Files the command leaves here ($SWITCHYARD_OUTPUTS_DIR) are uploaded when it exits.' }),
    checkpoint: z
      .object({
        path: RuntimePathSchema.openapi({ example: '/checkpoints' }),
        everySeconds: z.number().int().min(LIMITS.checkpointMinEverySeconds).max(LIMITS.maxDurationSeconds).openapi({ example: 600 }),
      })
      .strict()
      .optional()
      .openapi({ description: 'Saved every everySeconds and at SIGTERM ($SWITCHYARD_CHECKPOINT_DIR); the next attempt starts with it restored.' }),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const name of Object.keys(spec.secrets ?? {})) {
      if (spec.env && name in spec.env) ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `${name} is also set in env; use one or the other` });
    }
  })
  .openapi('JobSpec');

export const CheckpointViewSchema = z
  .object({ savedAt: z.string(), sizeBytes: z.number().int(), attemptId: z.string().openapi({ description: 'The attempt that saved it' }) })
  .openapi('Checkpoint');

export const AttemptSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    status: z.string(),
    gpuModel: z.string(),
    pricePerGpuHourMicroUsd: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Your price per GPU-hour on this attempt, in micro-dollars (2300000 = $2.30): your margin or rate card applied at placement, capped by the job's maxPricePerGpuHourUsd.", example: 2_300_000 }),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    reason: z.string().optional(),
    exitCode: z.number().int().optional(),
    exitCodeSource: z.enum(['agent', 'provider']).optional().openapi({ description: 'Who reported exitCode: the job agent (wins) or the provider.' }),
    lostBy: z.enum(['heartbeat', 'provider']).optional().openapi({ description: 'What decided the machine was lost.' }),
    resumedFrom: CheckpointViewSchema.optional().openapi({ description: 'The checkpoint this attempt started from (restored by its agent).' }),
    outputTail: z.string().optional(),
    releasedAt: z.string().optional().openapi({ description: 'When the provider confirmed the resource is gone; nothing bills after it. Absent while the stop is still being confirmed.' }),
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
    checkpoint: CheckpointViewSchema.optional().openapi({ description: "The job's latest checkpoint; the next attempt, on any provider, resumes from it." }),
    costMicroUsd: z.number().int().optional().openapi({ description: 'What you pay for the job, in micro-dollars; present once the finished job is settled.' }),
  })
  .openapi('Job');

export const JobListSchema = z.object({ items: z.array(JobSchema), nextCursor: z.string().optional() }).openapi('JobList');

export const JobEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    type: z.enum(['status', 'attempt', 'release']).openapi({ description: '"release": the provider confirmed the attempt\'s resource is gone (to is "released").' }),
    from: z.string().optional(),
    to: z.string(),
    attemptId: z.string().optional(),
    provider: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('JobEvent');

export const ProviderGpuSchema = z
  .object({
    model: z.string().openapi({ description: 'A model name a job may ask for in resources.gpu.models.', example: 'H100' }),
    vramGb: z.number().openapi({ description: 'The least VRAM among the offers for this model.' }),
    minPricePerGpuHourMicroUsd: z.number().int().openapi({ description: 'Your lowest price per GPU-hour on offer now, in micro-dollars (your margin or rate card applied).', example: 2_300_000 }),
    maxPricePerGpuHourMicroUsd: z.number().int().openapi({ description: 'Your highest price per GPU-hour on offer now, in micro-dollars.', example: 2_875_000 }),
    offers: z.number().int().openapi({ description: 'Live offers seen for the model; 0 for an entry of a static catalog.' }),
    gpuCounts: z.array(z.number().int()).openapi({ description: 'GPUs per machine the offers came in (the catalogue asks for 1 and 8).' }),
    regions: z.array(z.string()).optional(),
  })
  .openapi('ProviderGpu');

export const ProviderSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['decentralized', 'cloud', 'local']),
    enabled: z.boolean(),
    health: z.enum(['healthy', 'degraded', 'down', 'disabled']),
    note: z.string().optional(),
    gpus: z.array(ProviderGpuSchema),
    models: z.array(z.string()).openapi({ description: 'Model names a job may ask for on this provider: its GPU models and the families that cover them ("A100").' }),
    catalogue: z
      .object({
        source: z.enum(['live', 'catalog']).openapi({ description: '"live": read from the provider\'s offers now; "catalog": its static list (disabled, explicit-only, or its offers failed).' }),
        fetchedAt: z.string(),
        error: z.string().optional().openapi({ description: 'Why the live offers are missing or partial; the rest of the listing is unaffected.' }),
      })
      .openapi({ description: 'Where the GPU list came from; cached for about a minute.' }),
  })
  .openapi('Provider');

export const ProviderListSchema = z
  .object({
    items: z.array(ProviderSchema),
    gpuModels: z.array(z.string()).openapi({ description: 'Every model name a job spec may use in resources.gpu.models (case, spaces and dashes do not matter).' }),
  })
  .openapi('ProviderList');

// RFC 9457 lets a problem carry extension members; the usual ones are named, the rest
// (e.g. a 402's budget figures) pass as additional properties.
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: 'A URI naming the kind of problem; branch on it (https://switchyard.dev/problems/<slug>).', example: 'https://switchyard.dev/problems/validation' }),
    title: z.string().openapi({ description: 'A short, fixed summary of the kind of problem.', example: 'Invalid request' }),
    status: z.number().int().openapi({ description: 'The HTTP status code, repeated.', example: 400 }),
    detail: z.string().openapi({ description: 'What went wrong with this request, for a person.' }),
    instance: z.string().optional().openapi({ description: 'The request path.', example: '/v1/jobs' }),
    requestId: z.string().optional().openapi({ description: 'The same value as the Request-Id response header; quote it when reporting a problem.' }),
    errors: z
      .array(
        z.object({
          field: z.string().openapi({ description: 'Dotted path of the offending field.', example: 'resources.gpu.count' }),
          pointer: z.string().openapi({ description: 'RFC 6901 JSON pointer to the same field.', example: '/resources/gpu/count' }),
          detail: z.string().openapi({ description: 'What is wrong with it.' }),
        }),
      )
      .optional()
      .openapi({ description: 'Validation problems (400): every invalid field.' }),
    retryAfterSeconds: z.number().int().optional().openapi({ description: 'Rate limited (429): the same value as Retry-After.' }),
    jobStatus: z.string().optional().openapi({ description: 'job-finished (409): the status the job finished with.' }),
    nextOffset: z.number().int().optional().openapi({ description: 'log-gap (409): the offset to resend output from.' }),
  })
  .catchall(z.unknown())
  .openapi('Problem');

export const JobIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
});

export const ListQuery = z.object({
  status: JobStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' } }),
  name: z.string().min(1).max(LIMITS.nameChars).optional().openapi({ param: { name: 'name', in: 'query', description: 'Only jobs with exactly this name' } }),
  limit: z.coerce.number().int().min(1).max(LIMITS.listLimit).default(20).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

/**
 * Field errors for GPU model names no provider knows, naming the valid ones. The valid
 * set is Switchyard's canonical names plus every enabled provider's catalog (src/core/gpu-models.ts).
 */
export const gpuModelErrors = (models: readonly string[], accepted: readonly string[]) => {
  const unknown = unknownGpuModels(models, accepted);
  return unknown.map(({ index, name }) => ({
    field: `resources.gpu.models.${index}`,
    pointer: `/resources/gpu/models/${index}`,
    detail: `unknown GPU model "${name}"; valid: ${accepted.join(', ')}`,
  }));
};
export const SecretCreateSchema = z
  .object({
    name: SecretNameSchema.openapi({ example: 'wandb' }),
    value: z.string().min(1).max(LIMITS.secretValueBytes).openapi({ description: 'Write-only: never returned by any route.', example: 'wandb-api-key-value' }),
  })
  .strict()
  .openapi('SecretCreate');

export const SecretSchema = z
  .object({ name: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Secret');

export const SecretNameParams = z.object({
  name: SecretNameSchema.openapi({ param: { name: 'name', in: 'path' }, example: 'wandb' }),
});
