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
import { missingUploads, OUTPUT_LIMITS, outputKey, outputPathError, transferSeconds, type OutputFile } from '../../core/outputs.js';
import { MissingSecretsError } from '../../secrets/secrets-service.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problem, validationProblem } from '../problem.js';
import type { AgentApiDeps } from './agent-deps.js';
import type { RunTimeApiDeps } from './run-time-deps.js';
import { problemResponse } from '../openapi-responses.js';

const agentSecurity = [{ agentToken: [] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const agentCommon = {
  401: problemResponse("Missing, forged, expired or another key's agent token"),
  409: problemResponse('The attempt ended, or has been superseded'),
  429: problemResponse('Too many requests from this attempt'),
};

const secretsRoute = createRoute({
  method: 'get',
  path: '/v1/agent/secrets',
  summary: "Agent: the job's secrets",
  description: "The job's secret references, resolved and decrypted, for the command's environment. Only a live attempt gets them.",
  security: agentSecurity,
  responses: { 200: json(z.object({ env: z.record(z.string(), z.string()) }).openapi('AgentSecrets'), 'Environment variable → value'), ...agentCommon },
});

const getCheckpointRoute = createRoute({
  method: 'get',
  path: '/v1/agent/checkpoint',
  summary: "Agent: the job's latest checkpoint",
  security: agentSecurity,
  responses: {
    200: json(z.object({ url: z.string(), sizeBytes: z.number().int(), savedAt: z.string() }).openapi('AgentCheckpoint'), 'Download it (a .tar.gz) and restore it'),
    204: { description: 'The job has no checkpoint yet' },
    ...agentCommon,
  },
});

const Size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const CheckpointUploadBody = z.object({ sizeBytes: Size }).strict();
const startCheckpointRoute = createRoute({
  method: 'post',
  path: '/v1/agent/checkpoint',
  summary: 'Agent: where to upload a checkpoint',
  security: agentSecurity,
  request: { body: { content: { 'application/json': { schema: CheckpointUploadBody } }, required: true } },
  responses: {
    200: json(z.object({ url: z.string(), key: z.string() }).openapi('AgentCheckpointUpload'), 'PUT exactly sizeBytes to url, then commit key'),
    400: problemResponse('Invalid body'),
    413: problemResponse('Checkpoint over the size cap'),
    ...agentCommon,
  },
});

const CommitBody = z.object({ key: z.string().min(1).max(1024), sizeBytes: Size }).strict();
const commitCheckpointRoute = createRoute({
  method: 'post',
  path: '/v1/agent/checkpoint/commit',
  summary: "Agent: make an uploaded checkpoint the job's latest",
  security: agentSecurity,
  request: { body: { content: { 'application/json': { schema: CommitBody } }, required: true } },
  responses: { 204: { description: 'Committed' }, 400: problemResponse('Not a key handed to this attempt, or not uploaded with that size'), ...agentCommon },
});

const OutputsBody = z
  .object({
    files: z
      .array(z.object({ path: z.string().min(1).max(OUTPUT_LIMITS.pathChars), sizeBytes: Size, sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be hex SHA-256') }).strict())
      .max(OUTPUT_LIMITS.files),
  })
  .strict();
const declareOutputsRoute = createRoute({
  method: 'post',
  path: '/v1/agent/outputs',
  summary: 'Agent: declare the outputs and get upload URLs',
  security: agentSecurity,
  request: { body: { content: { 'application/json': { schema: OutputsBody } }, required: true } },
  responses: {
    200: json(z.object({ uploads: z.array(z.object({ path: z.string(), url: z.string() })) }).openapi('AgentOutputUploads'), 'PUT each file to its url, then commit'),
    400: problemResponse('Invalid paths or sizes'),
    413: problemResponse('Outputs over the size cap: nothing is uploaded or listed'),
    ...agentCommon,
  },
});

const commitOutputsRoute = createRoute({
  method: 'post',
  path: '/v1/agent/outputs/commit',
  summary: 'Agent: list the uploaded outputs',
  security: agentSecurity,
  responses: { 204: { description: 'Listed' }, ...agentCommon, 409: problemResponse('Nothing declared, some files not uploaded, or the attempt ended') },
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
    await runTime.outputs.putDeclared({ tenantId: cap.tenantId, jobId: cap.jobId, attemptId: cap.attemptId, files: normalized, declaredAt: clock.now().toISOString() });
    const uploads = await Promise.all(
      normalized.map(async (f) => ({ path: f.path, url: await agent.buckets.outputs.presignPut(outputKey(cap.tenantId, cap.jobId, f.path), transferSeconds(f.sizeBytes), f.sizeBytes) })),
    );
    return c.json({ uploads }, 200);
  });

  app.openapi(commitOutputsRoute, async (c) => {
    const { cap } = c.get('agent');
    const declared = await runTime.outputs.declared(cap.jobId, cap.attemptId);
    if (!declared) return problem(c, 409, 'outputs-not-declared', 'Nothing declared', 'Declare the files with POST /v1/agent/outputs first.') as never;
    const missing = await missingUploads(agent.buckets.outputs, declared);
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
