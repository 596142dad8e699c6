// The run-time routes the job agent calls with its attempt token (after requireAgentToken,
// ./agent-auth.ts; the attempt always comes from the token):
//   GET  /v1/agent/secrets             → 200 { env }  the job's secret refs, decrypted (live attempts only)
//   GET  /v1/agent/checkpoint          → 200 { url, sizeBytes, savedAt } presigned GET of the latest, or 204
//   POST /v1/agent/checkpoint { sizeBytes }        → 200 { url, key } presigned PUT (length-bound, short-lived)
//   POST /v1/agent/checkpoint/commit { key, sizeBytes } → 204; the job's latest checkpoint from now on
//   POST /v1/agent/outputs { files }   → 200 { uploads: [{ path, url }] }, or 413 over the cap (nothing listed)
//   POST /v1/agent/outputs/commit      → 204 once every declared file is in the bucket; only then listed
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { checkpointPrefix, commitCheckpoint, maySaveCheckpoint, newCheckpointKey, recordResume } from '../../core/checkpoints.js';
import { TenantBucketAccessError } from '../../core/tenant-bucket.js';
import { outputsBucket, tenantBucketDenied } from './run-time-deps.js';
import { missingUploads, OUTPUT_LIMITS, outputKey, outputPathError, transferSeconds, type OutputFile } from '../../core/outputs.js';
import { MissingSecretsError } from '../../secrets/secrets-service.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problem, validationProblem } from '../problem.js';
import type { AgentApiDeps } from './agent-deps.js';
import type { RunTimeApiDeps } from './run-time-deps.js';
import { bodyTooLarge, jsonBody, problemOf, problemResponse } from '../openapi-responses.js';

const agentSecurity = [{ agentToken: [] }];
const tags = ['Agent'];
const json = <T extends z.ZodType>(schema: T, description: string, example: z.input<T>) => ({ description, content: { 'application/json': { schema, example } } });
const conflict = (slug: string, title: string, detail: string) =>
  problemResponse(detail, 409, { type: `https://switchyard.dev/problems/${slug}`, title, status: 409, detail });
const agentCommon = {
  401: problemOf(401, "Missing, forged, expired or another key's agent token"),
  409: conflict('attempt-ended', 'Attempt ended', 'The attempt ended, or has been superseded'),
  413: bodyTooLarge,
  429: { ...problemOf(429, 'Too many requests from this attempt'), headers: { 'Retry-After': { description: 'Seconds until the agent may send again.', schema: { type: 'integer' as const, example: 1 } } } },
};
const URL_EXAMPLE = 'http://127.0.0.1:8787/checkpoints/acme/job_4f1c2a9e0b7d3c5a8e6f1b2d/job_4f1c2a9e0b7d3c5a8e6f1b2d-a1/1764669600000.tar.gz?X-Amz-Signature=…';
const KEY_EXAMPLE = 'acme/job_4f1c2a9e0b7d3c5a8e6f1b2d/job_4f1c2a9e0b7d3c5a8e6f1b2d-a1/1764669600000.tar.gz';

const secretsRoute = createRoute({
  method: 'get',
  path: '/v1/agent/secrets',
  operationId: 'getAgentSecrets',
  tags,
  summary: "Agent: the job's secrets",
  description: "The job's secret references, resolved and decrypted, for the command's environment. Only a live attempt gets them.",
  security: agentSecurity,
  responses: {
    200: json(z.object({ env: z.record(z.string(), z.string()).openapi({ description: 'Environment variable → decrypted value.' }) }).openapi('AgentSecrets'), 'Environment variable → value', { env: { WANDB_API_KEY: 'wandb-api-key-value' } }),
    ...agentCommon,
    409: conflict('secret-missing', 'Secret missing', 'The attempt ended, or the job refers to a secret that was deleted (secret-missing)'),
  },
});

const getCheckpointRoute = createRoute({
  method: 'get',
  path: '/v1/agent/checkpoint',
  operationId: 'getAgentCheckpoint',
  tags,
  summary: "Agent: the job's latest checkpoint",
  description: 'A download URL for the checkpoint the attempt should restore; fetching it as a new attempt records the resume.',
  security: agentSecurity,
  responses: {
    200: json(
      z
        .object({
          url: z.string().openapi({ description: 'Presigned GET of the .tar.gz.' }),
          sizeBytes: z.number().int().openapi({ description: 'Its size in bytes.' }),
          savedAt: z.string().openapi({ description: 'When it was saved (ISO 8601).' }),
        })
        .openapi('AgentCheckpoint'),
      'Download it (a .tar.gz) and restore it',
      { url: URL_EXAMPLE, sizeBytes: 52428800, savedAt: '2026-12-02T10:00:00.000Z' },
    ),
    204: { description: 'The job has no checkpoint yet' },
    ...agentCommon,
  },
});

const Size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const CheckpointUploadBody = z.object({ sizeBytes: Size.openapi({ description: 'The size of the .tar.gz to upload, in bytes.', example: 52428800 }) }).strict();
const startCheckpointRoute = createRoute({
  method: 'post',
  path: '/v1/agent/checkpoint',
  operationId: 'startAgentCheckpoint',
  tags,
  summary: 'Agent: where to upload a checkpoint',
  description: 'A presigned PUT for a checkpoint of exactly sizeBytes; commit its key once uploaded.',
  security: agentSecurity,
  request: { body: jsonBody(CheckpointUploadBody, { sizeBytes: 52428800 }) },
  responses: {
    200: json(
      z.object({ url: z.string().openapi({ description: 'Presigned PUT.' }), key: z.string().openapi({ description: 'The key to commit.' }) }).openapi('AgentCheckpointUpload'),
      'PUT exactly sizeBytes to url, then commit key',
      { url: URL_EXAMPLE, key: KEY_EXAMPLE },
    ),
    400: problemOf(400, 'Invalid body'),
    ...agentCommon,
    409: conflict('checkpoint-superseded', 'Checkpoint superseded', 'The attempt ended, or a newer attempt has taken over'),
    413: problemOf(413, 'Body over 64 KiB, or the checkpoint over the size cap'),
  },
});

const CommitBody = z
  .object({
    key: z.string().min(1).max(1024).openapi({ description: 'The key POST /v1/agent/checkpoint handed out.', example: KEY_EXAMPLE }),
    sizeBytes: Size.openapi({ description: 'The bytes uploaded.', example: 52428800 }),
  })
  .strict();
const commitCheckpointRoute = createRoute({
  method: 'post',
  path: '/v1/agent/checkpoint/commit',
  operationId: 'commitAgentCheckpoint',
  tags,
  description: 'Checks the upload and makes it the checkpoint the next attempt resumes from.',
  summary: "Agent: make an uploaded checkpoint the job's latest",
  security: agentSecurity,
  request: { body: jsonBody(CommitBody, { key: KEY_EXAMPLE, sizeBytes: 52428800 }) },
  responses: {
    204: { description: 'Committed' },
    400: problemOf(400, 'Not a key handed to this attempt, or not uploaded with that size'),
    ...agentCommon,
    409: conflict('checkpoint-superseded', 'Checkpoint superseded', 'The attempt ended, or a newer attempt has taken over'),
  },
});

const OutputsBody = z
  .object({
    files: z
      .array(
        z
          .object({
            path: z.string().min(1).max(OUTPUT_LIMITS.pathChars).openapi({ description: 'Path relative to the outputs folder.', example: 'model/weights.safetensors' }),
            sizeBytes: Size.openapi({ description: 'File size in bytes.', example: 1048576 }),
            sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be hex SHA-256').openapi({ description: 'Hex SHA-256 of the file.', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }),
          })
          .strict(),
      )
      .max(OUTPUT_LIMITS.files)
      .openapi({ description: 'Every file the command left in the outputs folder.' }),
  })
  .strict();
const declareOutputsRoute = createRoute({
  method: 'post',
  path: '/v1/agent/outputs',
  operationId: 'declareAgentOutputs',
  tags,
  description: 'Declares every output file; answers a presigned PUT per file, or 413 (and a refusal the job shows) when they total over the cap.',
  summary: 'Agent: declare the outputs and get upload URLs',
  security: agentSecurity,
  request: {
    body: jsonBody(OutputsBody, { files: [{ path: 'model/weights.safetensors', sizeBytes: 1048576, sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }] }),
  },
  responses: {
    200: json(
      z
        .object({
          uploads: z
            .array(z.object({ path: z.string().openapi({ description: 'The declared path.' }), url: z.string().openapi({ description: 'Presigned PUT for it.' }) }))
            .openapi({ description: 'One upload per declared file.' }),
        })
        .openapi('AgentOutputUploads'),
      'PUT each file to its url, then commit',
      { uploads: [{ path: 'model/weights.safetensors', url: 'http://127.0.0.1:8787/outputs/acme/job_4f1c2a9e0b7d3c5a8e6f1b2d/model/weights.safetensors?X-Amz-Signature=…' }] },
    ),
    400: problemOf(400, 'Invalid paths or sizes'),
    ...agentCommon,
    403: problemOf(403, "The tenant's own outputs bucket refused us (its role could not be assumed): nothing is uploaded or listed"),
    413: problemOf(413, 'Body over 64 KiB, or outputs over the size cap: nothing is uploaded or listed'),
  },
});

const commitOutputsRoute = createRoute({
  method: 'post',
  path: '/v1/agent/outputs/commit',
  operationId: 'commitAgentOutputs',
  tags,
  description: 'Checks every declared file was uploaded with its size, then lists them on the job (GET /v1/jobs/{id}/outputs).',
  summary: 'Agent: list the uploaded outputs',
  security: agentSecurity,
  responses: { 204: { description: 'Listed' }, ...agentCommon, 403: problemOf(403, "The tenant's own outputs bucket refused us (its role could not be assumed)"), 409: conflict('outputs-incomplete', 'Outputs incomplete', 'Nothing declared, some files not uploaded, or the attempt ended') },
});

export const registerAgentRunTimeRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, agent: AgentApiDeps, runTime: RunTimeApiDeps): void => {
  const { store, clock } = deps.jobs;
  const ended = (c: Parameters<typeof problem>[0], what: string) =>
    problem(c, 409, 'attempt-ended', 'Attempt ended', `This attempt is no longer live: ${what}.`) as never;

  app.openapi(secretsRoute, async (c) => {
    const { cap, job, live } = c.get('agent');
    if (!live) return ended(c, 'secrets are handed only to a live attempt');
    c.header('cache-control', 'no-store');
    const refs = job.spec.secrets ?? {};
    if (Object.keys(refs).length === 0) return c.json({ env: {} }, 200);
    if (!deps.secrets) return problem(c, 409, 'secret-missing', 'Secrets unavailable', 'Secrets are not enabled on this deployment.') as never;
    try {
      return c.json({ env: await deps.secrets.resolve(cap.tenantId, refs) }, 200);
    } catch (error) {
      if (!(error instanceof MissingSecretsError)) throw error;
      return problem(c, 409, 'secret-missing', 'Secret missing', `The job refers to a secret that was deleted: ${error.names.join(', ')}.`, { secrets: error.names }) as never;
    }
  });

  app.openapi(getCheckpointRoute, async (c) => {
    const { cap, job } = c.get('agent');
    const latest = job.checkpoint;
    if (!latest) return c.body(null, 204);
    const url = await agent.buckets.checkpoints.presignGet(latest.key, transferSeconds(latest.sizeBytes));
    // The first hand-out to this attempt is its resume point; a retry of the GET changes nothing.
    if (cap.attemptId !== latest.attemptId) await recordResume(store, clock, cap.jobId, cap.attemptId, latest);
    return c.json({ url, sizeBytes: latest.sizeBytes, savedAt: latest.savedAt }, 200);
  });

  app.openapi(startCheckpointRoute, async (c) => {
    const { cap, job, attempt } = c.get('agent');
    const { sizeBytes } = c.req.valid('json');
    if (!maySaveCheckpoint(job, attempt)) return superseded(c);
    if (sizeBytes > runTime.maxCheckpointBytes) {
      return problem(c, 413, 'checkpoint-too-large', 'Checkpoint too large', `A checkpoint may be at most ${runTime.maxCheckpointBytes} bytes; this one is ${sizeBytes}.`, {
        maxBytes: runTime.maxCheckpointBytes,
      }) as never;
    }
    const key = newCheckpointKey(cap.tenantId, cap.jobId, cap.attemptId, clock.now());
    const url = await agent.buckets.checkpoints.presignPut(key, transferSeconds(sizeBytes), sizeBytes);
    return c.json({ url, key }, 200);
  });

  app.openapi(commitCheckpointRoute, async (c) => {
    const { cap } = c.get('agent');
    const { key, sizeBytes } = c.req.valid('json');
    const field = (detail: string) => validationProblem(c, [{ field: 'key', pointer: '/key', detail }]) as never;
    if (!key.startsWith(checkpointPrefix(cap.tenantId, cap.jobId, cap.attemptId)) || !key.endsWith('.tar.gz')) return field('not a key handed to this attempt');
    const uploaded = (await agent.buckets.checkpoints.list(key, { limit: 1 })).items.find((o) => o.key === key);
    if (!uploaded || uploaded.sizeBytes !== sizeBytes) return field(uploaded ? `uploaded ${uploaded.sizeBytes} bytes, not ${sizeBytes}` : 'nothing was uploaded to this key');
    const outcome = await commitCheckpoint(store, clock, cap.jobId, { key, sizeBytes, savedAt: clock.now().toISOString(), attemptId: cap.attemptId });
    if (outcome.kind === 'superseded') {
      await agent.buckets.checkpoints.delete(key);
      return superseded(c);
    }
    // The one it replaced is no longer anyone's resume point.
    if (outcome.superseded) await agent.buckets.checkpoints.delete(outcome.superseded).catch(() => undefined);
    return c.body(null, 204);
  });

  app.openapi(declareOutputsRoute, async (c) => {
    const { cap, attempt } = c.get('agent');
    const { files } = c.req.valid('json');
    const errors = files.flatMap((f, i) => {
      const bad = outputPathError(f.path);
      const big = f.sizeBytes > OUTPUT_LIMITS.fileBytes ? `at most ${OUTPUT_LIMITS.fileBytes} bytes per file` : undefined;
      return [bad, big].filter((d): d is string => d !== undefined).map((detail) => ({ field: `files.${i}`, pointer: `/files/${i}`, detail: `${f.path}: ${detail}` }));
    });
    const dupes = files.filter((f, i) => files.findIndex((g) => g.path === f.path) !== i);
    errors.push(...dupes.map((f) => ({ field: 'files', pointer: '/files', detail: `${f.path} is listed twice` })));
    if (errors.length > 0) return validationProblem(c, errors) as never;
    const total = files.reduce((sum, f) => sum + f.sizeBytes, 0);
    if (total > runTime.maxOutputBytes) {
      const reason = `outputs total ${total} bytes, over the ${runTime.maxOutputBytes}-byte cap; none were uploaded`;
      await runTime.outputs.putRefusal(cap.jobId, { attemptId: attempt.id, at: clock.now().toISOString(), reason });
      return problem(c, 413, 'outputs-too-large', 'Outputs too large', `The ${files.length} files total ${total} bytes; the cap is ${runTime.maxOutputBytes}. Nothing was uploaded.`, {
        totalBytes: total,
        maxBytes: runTime.maxOutputBytes,
      }) as never;
    }
    const normalized: OutputFile[] = files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, sha256: f.sha256.toLowerCase() }));
    // The tenant's own bucket when it set one: its role is assumed now, so a denial ends here, nothing listed.
    const setting = await runTime.tenantBuckets?.store.get(cap.tenantId);
    let bucket;
    try {
      bucket = await outputsBucket(agent, runTime, setting);
    } catch (error) {
      if (!(error instanceof TenantBucketAccessError)) throw error;
      await runTime.outputs.putRefusal(cap.jobId, { attemptId: attempt.id, at: clock.now().toISOString(), reason: `${error.message}; none were uploaded` });
      return tenantBucketDenied(c, error) as never;
    }
    await runTime.outputs.putDeclared({
      tenantId: cap.tenantId, jobId: cap.jobId, attemptId: cap.attemptId, files: normalized, declaredAt: clock.now().toISOString(), ...(setting ? { bucket: setting } : {}),
    });
    const uploads = await Promise.all(
      normalized.map(async (f) => ({ path: f.path, url: await bucket.presignPut(outputKey(cap.tenantId, cap.jobId, f.path), transferSeconds(f.sizeBytes), f.sizeBytes) })),
    );
    return c.json({ uploads }, 200);
  });

  app.openapi(commitOutputsRoute, async (c) => {
    const { cap } = c.get('agent');
    const declared = await runTime.outputs.declared(cap.jobId, cap.attemptId);
    if (!declared) return problem(c, 409, 'outputs-not-declared', 'Nothing declared', 'Declare the files with POST /v1/agent/outputs first.') as never;
    let bucket;
    try {
      bucket = await outputsBucket(agent, runTime, declared.bucket);
    } catch (error) {
      if (!(error instanceof TenantBucketAccessError)) throw error;
      await runTime.outputs.putRefusal(cap.jobId, { attemptId: cap.attemptId, at: clock.now().toISOString(), reason: error.message });
      return tenantBucketDenied(c, error) as never;
    }
    const missing = await missingUploads(bucket, declared);
    if (missing.length > 0) {
      return problem(c, 409, 'outputs-incomplete', 'Outputs incomplete', `Not uploaded with the declared size: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}. Nothing is listed.`, {
        missing,
      }) as never;
    }
    await runTime.outputs.putCommitted({ ...declared, committedAt: clock.now().toISOString() });
    return c.body(null, 204);
  });
};

const superseded = (c: Parameters<typeof problem>[0]) =>
  problem(c, 409, 'checkpoint-superseded', 'Checkpoint superseded', 'A newer attempt of this job has taken over; this attempt may no longer save checkpoints.') as never;
