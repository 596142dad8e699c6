// Request and response schemas. They validate input and generate the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { unknownGpuModels } from '../core/gpu-models.js';
import { JOB_STATUSES } from '../core/job.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const REGION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** An absolute folder in the container: no "..", no NUL, no newline. */
const RUNTIME_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))\/[^\0\n\r]*$/;

// DynamoDB stores no number nearer zero than 1e-130 (a 1e-166 vCPUs once came back as a 500):
// a fractional amount is 0 or at least a thousandth, which no machine or offer is finer than.
const amount = (max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .refine((v) => v === 0 || v >= 0.001, { message: 'must be 0 or at least 0.001' });

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
  maxWallClockSeconds: 30 * 24 * 3600,
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
    models: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(LIMITS.gpuModels)
      .openapi({ description: 'GPU models the job may run on, any one of them (GET /v1/providers lists the names; case, spaces and dashes do not matter).', example: ['H100', 'A100-80GB'] }),
    count: z.number().int().min(1).max(LIMITS.gpuCount).openapi({ description: 'GPUs on the one machine the job runs on.', example: 1 }),
    minVramGb: amount(1024).optional().openapi({ description: 'Only offers with at least this much VRAM per GPU.', example: 80 }),
  })
  .strict()
  .openapi({ description: 'The GPUs the job needs.' });

export const JobSpecSchema = z
  .object({
    image: z.string().min(1).max(LIMITS.imageChars).openapi({ description: 'The container image to run (a private one needs imageCredentials).', example: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime' }),
    command: z
      .array(z.string().max(LIMITS.commandItemChars))
      .min(1)
      .max(LIMITS.commandItems)
      .openapi({ description: 'The command and its arguments, run in the image (no shell unless you call one).', example: ['python', '-c', 'print("hello from a GPU")'] }),
    env: z
      .record(z.string().regex(ENV_NAME, 'must be a valid environment variable name').max(LIMITS.envNameChars), z.string().max(LIMITS.envValueChars))
      .refine((env) => Object.keys(env).length <= LIMITS.envVars, `at most ${LIMITS.envVars} variables`)
      .optional()
      .openapi({ description: 'Environment variables for the command (plain values; put credentials in secrets instead).', example: { EPOCHS: '3' } }),
    resources: z
      .object({
        gpu: GpuSchema,
        cpu: amount(512).optional().openapi({ description: 'Least vCPUs the machine must have.', example: 8 }),
        memoryGb: amount(4096).optional().openapi({ description: 'Least memory the machine must have, in GB.', example: 64 }),
      })
      .strict()
      .openapi({ description: 'What the machine must have.' }),
    maxDurationSeconds: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.maxDurationSeconds)
      .openapi({ description: 'The job is stopped (timed_out) after running this long; it also sizes the hold on your budget or balance.', example: 3600 }),
    maxPricePerGpuHourUsd: z
      .number()
      .min(0.000001, { message: 'must be at least 0.000001 (one micro-dollar)' })
      .max(LIMITS.maxPricePerGpuHourUsd)
      .openapi({ description: 'The most you will pay per GPU-hour, in US dollars (an input, so dollars as people type them; responses say micro-dollars). Offers above it are not used.', example: 2.5 }),
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
        strategy: z
          .enum(['cheapest', 'fastest', 'balanced'])
          .default('cheapest')
          .openapi({ description: 'How offers are ranked: lowest price, soonest expected start, or a mix weighed by measured reliability.' }),
        networks: z
          .array(z.string().regex(NETWORK_NAME, 'must be a provider name like "akash"'))
          .min(1)
          .max(LIMITS.networks)
          .optional()
          .openapi({ description: 'Only these providers (names as in GET /v1/providers); every enabled decentralized network when absent.', example: ['akash', 'vastai'] }),
        fallback: z.enum(['cloud', 'none']).default('cloud').openapi({ description: 'cloud: fall back to the cloud providers when no network can run the job; none: never.' }),
        regions: z
          .array(z.string().regex(REGION_NAME, 'must be a region name like "us-east-1" or "US"'))
          .min(1)
          .max(LIMITS.regions)
          .optional()
          .openapi({ description: 'Only offers in these regions or countries.', example: ['US'] }),
      })
      .strict()
      .default({ strategy: 'cheapest', fallback: 'cloud' })
      .openapi({ description: 'Where the job may run and how the offer is chosen. Default: cheapest, with cloud fallback.' }),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .max(LIMITS.urlChars)
      .optional()
      .openapi({ description: 'Signed webhooks (Switchyard-Signature) for the job\'s events are POSTed here; https and a public address on AWS.', example: 'https://hooks.example.org/switchyard' }),
    name: z.string().min(1).max(LIMITS.nameChars).optional().openapi({ description: 'A name of yours for the job; GET /v1/jobs?name= finds it.', example: 'llama-finetune-7' }),
    metadata: MetadataSchema.optional().openapi({ description: 'Up to 50 key-value strings of yours; GET /v1/jobs?metadata[key]=value filters on them.', example: { team: 'ml', run: '42' } }),
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
      example: 'ghcr-login',
    }),
    outputs: z
      .object({ path: RuntimePathSchema.openapi({ description: 'An absolute folder in the container.', example: '/outputs' }) })
      .strict()
      .optional()
      .openapi({ description: 'Files the command leaves here ($SWITCHYARD_OUTPUTS_DIR) are uploaded when it exits.' }),
    checkpoint: z
      .object({
        path: RuntimePathSchema.openapi({ description: 'An absolute folder in the container the command writes its checkpoint to.', example: '/checkpoints' }),
        everySeconds: z
          .number()
          .int()
          .min(LIMITS.checkpointMinEverySeconds)
          .max(LIMITS.maxDurationSeconds)
          .openapi({ description: 'How often the agent saves the folder (at least 10 s).', example: 600 }),
      })
      .strict()
      .optional()
      .openapi({ description: 'Saved every everySeconds and at SIGTERM ($SWITCHYARD_CHECKPOINT_DIR); the next attempt starts with it restored.' }),
    deadline: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Finish by this time (ISO 8601). Placement keeps the job on schedule (docs/placement.md); a deadline no offer can meet is refused with 422. Not with maxWallClockSeconds.', example: '2026-12-03T06:00:00Z' }),
    maxWallClockSeconds: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.maxWallClockSeconds)
      .optional()
      .openapi({ description: 'Finish within this many seconds of submission: a deadline relative to now. Not with deadline.', example: 7200 }),
    hedge: z
      .boolean()
      .optional()
      .openapi({ description: 'With a deadline or strategy "fastest": when the first machine is late to start, launch a second offer on another network and keep whichever runs first (the other is stopped at once, at our cost). Default false.' }),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.deadline !== undefined && spec.maxWallClockSeconds !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxWallClockSeconds'], message: 'use deadline or maxWallClockSeconds, not both' });
    }
    if (spec.hedge && spec.deadline === undefined && spec.maxWallClockSeconds === undefined && spec.placement.strategy !== 'fastest') {
      ctx.addIssue({ code: 'custom', path: ['hedge'], message: 'hedged starts need a deadline, maxWallClockSeconds or placement.strategy "fastest"' });
    }
    for (const name of Object.keys(spec.secrets ?? {})) {
      if (spec.env && name in spec.env) ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `${name} is also set in env; use one or the other` });
    }
  })
  .openapi('JobSpec', { description: 'A GPU job: what to run, on what hardware, for how long and at most what price. Fields with a default may be left out.' });

export const CheckpointViewSchema = z
  .object({
    savedAt: z.string().openapi({ description: 'When it was saved (ISO 8601).', example: '2026-12-02T10:00:00.000Z' }),
    sizeBytes: z.number().int().openapi({ description: 'Its size in bytes (a .tar.gz of the checkpoint folder).', example: 52428800 }),
    attemptId: z.string().openapi({ description: 'The attempt that saved it' }),
  })
  .openapi('Checkpoint', { description: 'A saved checkpoint of a job (never its storage key).' });

export const AttemptSchema = z
  .object({
    id: z.string().openapi({ description: 'The attempt id: the job id and its number.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1' }),
    provider: z.string().openapi({ description: 'Where it ran (a name from GET /v1/providers).', example: 'vastai' }),
    status: z.string().openapi({ description: 'launching, starting, running, succeeded, failed, cancelling, cancelled or timed_out.', example: 'running' }),
    gpuModel: z.string().openapi({ description: 'The GPU model of the offer it was placed on.', example: 'H100' }),
    pricePerGpuHourMicroUsd: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Your price per GPU-hour on this attempt, in micro-dollars (2300000 = $2.30): your margin or rate card applied at placement, capped by the job's maxPricePerGpuHourUsd.", example: 2_300_000 }),
    createdAt: z.string().openapi({ description: 'When it was placed (ISO 8601).' }),
    startedAt: z.string().optional().openapi({ description: 'When the command started (ISO 8601).' }),
    endedAt: z.string().optional().openapi({ description: 'When it ended (ISO 8601).' }),
    reason: z.string().optional().openapi({ description: 'Why it ended as it did, e.g. why it failed over.', example: 'machine lost: no heartbeat for 90 s' }),
    exitCode: z.number().int().optional().openapi({ description: "The command's exit code, once it exited.", example: 0 }),
    exitCodeSource: z.enum(['agent', 'provider']).optional().openapi({ description: 'Who reported exitCode: the job agent (wins) or the provider.' }),
    lostBy: z.enum(['heartbeat', 'provider']).optional().openapi({ description: 'What decided the machine was lost.' }),
    resumedFrom: CheckpointViewSchema.optional().openapi({ description: 'The checkpoint this attempt started from (restored by its agent).' }),
    outputTail: z.string().optional().openapi({ description: 'The last few KiB of output, for a quick look (GET /v1/jobs/{id}/logs has all of it).', example: 'hello\n' }),
    releasedAt: z.string().optional().openapi({ description: 'When the provider confirmed the resource is gone; nothing bills after it. Absent while the stop is still being confirmed.' }),
    hedge: z.enum(['second', 'lost']).optional().openapi({ description: "A hedged start: 'second' is the attempt launched while the first was late; 'lost' was stopped because the other ran first (never billed to you)." }),
  })
  .openapi('Attempt', { description: 'One try at running the job on one provider; a failover starts the next.' });

export const JobStatusSchema = z
  .enum(JOB_STATUSES)
  .openapi({ description: 'queued → placing → starting → running → succeeded | failed | cancelled | timed_out (a failover goes back to placing).', example: 'running' });

export const JobSchema = z
  .object({
    id: z.string().openapi({ description: 'The job id.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
    status: JobStatusSchema,
    reason: z.string().optional().openapi({ description: 'Why the job is in its status, when that needs saying (a failure, a wait for capacity).', example: 'no offer under maxPricePerGpuHourUsd' }),
    createdAt: z.string().openapi({ description: 'When it was submitted (ISO 8601).' }),
    updatedAt: z.string().openapi({ description: 'When it last changed (ISO 8601).' }),
    spec: JobSpecSchema,
    attempts: z.array(AttemptSchema).openapi({ description: 'Every attempt, oldest first.' }),
    checkpoint: CheckpointViewSchema.optional().openapi({ description: "The job's latest checkpoint; the next attempt, on any provider, resumes from it." }),
    costMicroUsd: z.number().int().optional().openapi({ description: 'What you pay for the job, in micro-dollars; present once the finished job is settled.' }),
  })
  .openapi('Job', { description: 'A job as you see it: its spec with defaults filled in, status, attempts and cost.' });

export const JobListSchema = z
  .object({
    items: z.array(JobSchema).openapi({ description: 'Jobs, newest first.' }),
    nextCursor: z.string().optional().openapi({ description: 'Pass as cursor for the next page; absent on the last.' }),
  })
  .openapi('JobList', { description: 'A page of jobs.' });

export const JobEventSchema = z
  .object({
    seq: z.number().int().openapi({ description: "The event's number in the job's timeline, from 1, without gaps: a safe cursor for after=.", example: 3 }),
    at: z.string().openapi({ description: 'When it happened (ISO 8601).' }),
    type: z.enum(['status', 'attempt', 'release']).openapi({ description: '"release": the provider confirmed the attempt\'s resource is gone (to is "released").' }),
    from: z.string().optional().openapi({ description: 'The status before (absent for the first status and a new attempt).', example: 'placing' }),
    to: z.string().openapi({ description: "The job's or attempt's new status.", example: 'launching' }),
    attemptId: z.string().optional().openapi({ description: 'The attempt (attempt and release events).' }),
    provider: z.string().optional().openapi({ description: "The attempt's provider (attempt and release events)." }),
    reason: z.string().optional().openapi({ description: 'Why, in words.', example: 'launching on vastai (H100 at $2.30/GPU-hour)' }),
  })
  .openapi('JobEvent', { description: 'One change in a job\'s timeline: a job status, an attempt status, or a release.' });

export const ProviderGpuSchema = z
  .object({
    model: z.string().openapi({ description: 'A model name a job may ask for in resources.gpu.models.', example: 'H100' }),
    vramGb: z.number().openapi({ description: 'The least VRAM among the offers for this model.' }),
    minPricePerGpuHourMicroUsd: z.number().int().openapi({ description: 'Your lowest price per GPU-hour on offer now, in micro-dollars (your margin or rate card applied).', example: 2_300_000 }),
    maxPricePerGpuHourMicroUsd: z.number().int().openapi({ description: 'Your highest price per GPU-hour on offer now, in micro-dollars.', example: 2_875_000 }),
    offers: z.number().int().openapi({ description: 'Live offers seen for the model; 0 for an entry of a static catalog.' }),
    gpuCounts: z.array(z.number().int()).openapi({ description: 'GPUs per machine the offers came in (the catalogue asks for 1 and 8).' }),
    regions: z.array(z.string()).optional().openapi({ description: 'Regions the offers are in, when the provider says.', example: ['US', 'DE'] }),
  })
  .openapi('ProviderGpu', { description: 'A GPU model a provider offers now, with your price range for it.' });

export const ProviderSchema = z
  .object({
    name: z.string().openapi({ description: 'The provider name, as placement.networks takes it.', example: 'akash' }),
    kind: z.enum(['decentralized', 'cloud', 'local']).openapi({ description: 'A decentralized network, a cloud (the fallback), or the local stand-in.' }),
    enabled: z.boolean().openapi({ description: 'Whether jobs are placed on it on this deployment.' }),
    health: z
      .enum(['healthy', 'degraded', 'down', 'disabled'])
      .openapi({ description: 'As measured by Switchyard: down = out of rotation after failures, degraded = on probation or failing lately.' }),
    note: z.string().optional().openapi({ description: 'Why it is disabled or limited, when it is.' }),
    gpus: z.array(ProviderGpuSchema).openapi({ description: 'GPU models on offer now.' }),
    models: z.array(z.string()).openapi({ description: 'Model names a job may ask for on this provider: its GPU models and the families that cover them ("A100").' }),
    catalogue: z
      .object({
        source: z.enum(['live', 'catalog']).openapi({ description: '"live": read from the provider\'s offers now; "catalog": its static list (disabled, explicit-only, or its offers failed).' }),
        fetchedAt: z.string().openapi({ description: 'When the list was read (ISO 8601).' }),
        error: z.string().optional().openapi({ description: 'Why the live offers are missing or partial; the rest of the listing is unaffected.' }),
      })
      .openapi({ description: 'Where the GPU list came from; cached for about a minute.' }),
  })
  .openapi('Provider', { description: 'A provider jobs run on: its kind, health, GPUs and prices.' });

export const ProviderListSchema = z
  .object({
    items: z.array(ProviderSchema).openapi({ description: 'Every configured provider.' }),
    gpuModels: z.array(z.string()).openapi({ description: 'Every model name a job spec may use in resources.gpu.models (case, spaces and dashes do not matter).' }),
  })
  .openapi('ProviderList', { description: 'The providers and the GPU model names jobs may ask for.' });

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
  .openapi('Problem', { description: 'An RFC 9457 problem: every error the API returns (application/problem+json).' });

export const JobIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path', description: 'The job id.' }, example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
});

export const ListQuery = z.object({
  status: JobStatusSchema.optional().openapi({ param: { name: 'status', in: 'query', description: 'Only jobs in this status.' } }),
  name: z.string().min(1).max(LIMITS.nameChars).optional().openapi({ param: { name: 'name', in: 'query', description: 'Only jobs with exactly this name' }, example: 'llama-finetune-7' }),
  limit: z.coerce.number().int().min(1).max(LIMITS.listLimit).default(20).openapi({ param: { name: 'limit', in: 'query', description: 'Jobs per page (default 20, at most 100).' }, example: 20 }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query', description: 'nextCursor from the previous page.' } }),
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
  .openapi('SecretCreate', { description: 'A secret to store (or replace).' });

export const SecretSchema = z
  .object({
    name: z.string().openapi({ description: 'The name jobs refer to it by.', example: 'wandb' }),
    createdAt: z.string().openapi({ description: 'When it was first stored (ISO 8601).' }),
    updatedAt: z.string().openapi({ description: 'When its value was last replaced (ISO 8601).' }),
  })
  .openapi('Secret', { description: 'A stored secret, never with its value.' });

export const SecretNameParams = z.object({
  name: SecretNameSchema.openapi({ param: { name: 'name', in: 'path', description: 'The secret name.' }, example: 'wandb' }),
});
