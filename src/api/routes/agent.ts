// The job agent's own routes (the run-time routes — secrets, checkpoint, outputs — live
// beside them). Every request has passed requireAgentToken (./agent-auth.ts): the
// attempt comes from the token, never from the request, so one attempt's token is
// useless for any other attempt.
//
//   POST /v1/agent/heartbeat            → 200 { cancel, heartbeatSeconds }
//        cancel: true when the attempt is no longer live (cancelled, timed out, failed over):
//        the agent stops the command (SIGTERM), flushes and exits.
//   POST /v1/agent/logs?offset=<n>      body: raw bytes of stdout+stderr from byte n
//        → 200 { nextOffset }   (a repeat of bytes already held is a 200 too: idempotent by offset)
//        → 409 log-gap { nextOffset }  (n is past what was received: resend from nextOffset)
//        → 413 logs-too-large  (the attempt's logs reached AGENT_LOG_LIMITS.attemptBytes)
//   POST /v1/agent/exit { exitCode, endedAt } → 200 { exitCode, endedAt } (the first report stands)
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { logChunkKey, MAX_LOG_OFFSET } from '../../core/logs.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problem } from '../problem.js';
import type { AgentApiDeps } from './agent-deps.js';
import { jsonBody, jsonResponse, problemOf, problemResponse } from '../openapi-responses.js';

export const AGENT_LOG_LIMITS = {
  /** Output kept per attempt; beyond it the agent stops shipping (the command runs on). */
  attemptBytes: 1024 * 1024 * 1024,
} as const;

/** How often the agent is asked to send heartbeats (the agent's default, too). */
export const HEARTBEAT_SECONDS = 30;

const agentSecurity = [{ agentToken: [] }];
const tags = ['Agent'];
const ended = (description: string) =>
  problemResponse(description, 409, { type: 'https://switchyard.dev/problems/attempt-ended', title: 'Attempt ended', status: 409, detail: 'Attempt job_4f1c2a9e0b7d3c5a8e6f1b2d-a1 ended (succeeded); its agent has nothing more to report.', attemptStatus: 'succeeded' });
const agentCommon = {
  401: problemOf(401, "Missing, forged, expired or another key's agent token"),
  409: ended('The attempt ended (attempt-ended)'),
  413: problemOf(413, 'Body over 64 KiB'),
  429: { ...problemOf(429, 'Too many requests from this attempt'), headers: { 'Retry-After': { description: 'Seconds until the agent may send again.', schema: { type: 'integer' as const, example: 1 } } } },
};

const HeartbeatResponse = z
  .object({
    cancel: z.boolean().openapi({ description: 'Stop the command: the attempt is no longer live.' }),
    heartbeatSeconds: z.number().int().openapi({ description: 'Send the next heartbeat within this many seconds.' }),
  })
  .openapi('AgentHeartbeat', { description: 'Whether the agent should go on, and when to beat next.' });

const heartbeatRoute = createRoute({
  method: 'post',
  path: '/v1/agent/heartbeat',
  operationId: 'sendAgentHeartbeat',
  tags,
  summary: 'Agent: heartbeat',
  description: 'Sent by the job agent every 30 s. A live attempt whose heartbeats stop is treated as lost after the grace.',
  security: agentSecurity,
  responses: { 200: jsonResponse(HeartbeatResponse, 'Recorded', { cancel: false, heartbeatSeconds: 30 }), ...agentCommon },
});

const LogsQuery = z.object({
  offset: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a byte offset (digits only)')
    .transform(Number)
    .pipe(z.number().int().min(0).max(MAX_LOG_OFFSET))
    .openapi({ param: { name: 'offset', in: 'query', description: "Byte offset of the first byte of the body in the attempt's output." }, example: '0' }),
  final: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({
      param: { name: 'final', in: 'query', description: 'true for the chunks sent after the command exited: stored whole (nothing is held back for a secret that might continue).' },
      example: 'true',
    }),
});

const logsRoute = createRoute({
  method: 'post',
  path: '/v1/agent/logs',
  operationId: 'uploadAgentLogs',
  tags,
  summary: 'Agent: a chunk of output',
  description: 'Raw bytes of the command\'s stdout and stderr, starting at `offset`. Idempotent by offset.',
  security: agentSecurity,
  request: {
    query: LogsQuery,
    body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary', description: 'The raw output bytes.' }), example: 'hello\n' } }, required: false },
  },
  responses: {
    200: jsonResponse(z.object({ nextOffset: z.number().int().openapi({ description: 'Where the next chunk starts: bytes stored so far (a tail that could begin a secret is held back and must be resent with what follows).', example: 6 }) }).openapi('AgentLogAck', { description: 'How much output is held for the attempt.' }), 'Stored', { nextOffset: 6 }),
    400: problemOf(400, 'Invalid offset'),
    ...agentCommon,
    409: problemResponse('attempt-ended, or log-gap: the offset is past what was received (nextOffset says where to resend from)', 409, {
      type: 'https://switchyard.dev/problems/log-gap', title: 'Log chunk leaves a gap', status: 409, detail: 'The chunk starts past the 6 bytes received; resend from offset 6.', nextOffset: 6,
    }),
    413: problemOf(413, 'Body over 64 KiB, or the attempt past its 1 GiB of output'),
  },
});

const ExitBody = z
  .object({
    exitCode: z.number().int().min(-2147483648).max(2147483647).openapi({ description: "The command's exit code (negative: killed by a signal).", example: 0 }),
    endedAt: z.iso.datetime({ offset: true }).openapi({ description: 'When the command exited (ISO 8601).', example: '2026-12-02T10:00:08.000Z' }),
  })
  .strict()
  .openapi('AgentExit', { description: "The command's exit, as reported by the agent." });

const exitRoute = createRoute({
  method: 'post',
  path: '/v1/agent/exit',
  operationId: 'reportAgentExit',
  tags,
  summary: 'Agent: the command exited',
  description: 'The command\'s exit code and end time. It wins over the provider\'s status; the first report stands.',
  security: agentSecurity,
  request: { body: jsonBody(ExitBody, { exitCode: 0, endedAt: '2026-12-02T10:00:08.000Z' }) },
  responses: {
    200: jsonResponse(ExitBody, 'The exit that stands', { exitCode: 0, endedAt: '2026-12-02T10:00:08.000Z' }),
    400: problemOf(400, 'Invalid body'),
    ...agentCommon,
  },
});

export const registerAgentRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, agent: AgentApiDeps): void => {
  const clock = deps.jobs.clock;

  app.openapi(heartbeatRoute, async (c) => {
    const { cap, live, job } = c.get('agent');
    if (!live || job.status === 'cancelled' || job.status === 'timed_out') return c.json({ cancel: true, heartbeatSeconds: HEARTBEAT_SECONDS }, 200);
    await agent.store.heartbeat(cap, clock.now().toISOString());
    return c.json({ cancel: false, heartbeatSeconds: HEARTBEAT_SECONDS }, 200);
  });

  app.openapi(logsRoute, async (c) => {
    const { cap } = c.get('agent');
    const { offset, final } = c.req.valid('query');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (offset + bytes.length > AGENT_LOG_LIMITS.attemptBytes) {
      return problem(c, 413, 'logs-too-large', 'Logs too large', `An attempt keeps at most ${AGENT_LOG_LIMITS.attemptBytes} bytes of output.`) as never;
    }
    const held = (await agent.store.get(cap.jobId, cap.attemptId))?.logBytes ?? 0;
    // Check before storing, so a chunk that would leave a gap writes nothing.
    if (offset > held) return gap(c, held);
    if (bytes.length === 0 || offset + bytes.length <= held) return c.json({ nextOffset: held }, 200);
    // Secret values never reach the logs bucket: masked byte for byte (offsets are unchanged), and
    // a tail that may be the start of one is held back until the agent resends it with what follows.
    const { bytes: stored, accepted } = agent.redactLogChunk
      ? await agent.redactLogChunk(cap.tenantId, cap.jobId, c.get('agent').job.spec.secrets, bytes, final)
      : { bytes, accepted: bytes.length };
    if (accepted === 0) return c.json({ nextOffset: held }, 200);
    await agent.buckets.logs.put(logChunkKey(cap.tenantId, cap.jobId, cap.attemptId, offset), stored, { contentType: 'application/octet-stream' });
    const result = await agent.store.recordLogChunk(cap, offset, accepted);
    if (!result.accepted) return gap(c, result.logBytes);
    return c.json({ nextOffset: result.logBytes }, 200);
  });

  app.openapi(exitRoute, async (c) => {
    const { cap } = c.get('agent');
    const body = c.req.valid('json');
    const record = await agent.store.recordExit(cap, { exitCode: body.exitCode, endedAt: body.endedAt, reportedAt: clock.now().toISOString() });
    const exit = record.exit!;
    return c.json({ exitCode: exit.exitCode, endedAt: exit.endedAt }, 200);
  });
};

const gap = (c: Parameters<typeof problem>[0], nextOffset: number) =>
  problem(c, 409, 'log-gap', 'Log chunk leaves a gap', `The chunk starts past the ${nextOffset} bytes received; resend from offset ${nextOffset}.`, {
    nextOffset,
  }) as never;
