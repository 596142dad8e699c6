// GET /v1/jobs/{id}/logs: a job's output as its agents shipped it, every attempt in
// order, paged by byte offset; ?follow=true streams it as Server-Sent Events until the
// job ends. Reading is src/core/logs.ts; this file only speaks HTTP.
//
// Page:   200 { items: [{ attemptId, offset, sizeBytes, text }], nextCursor?, more }
//         nextCursor ("<attemptId>:<offset>", or "start" before the first attempt) is where
//         to continue; it is absent once the job has ended and everything has been read.
// Follow: text/event-stream; `event: log` per piece (id = the cursor after it, so a
//         reconnect with Last-Event-ID resumes there), then `event: end` { status } when
//         the job has ended and everything was sent, or `event: pause` { cursor } after
//         followMaxSeconds (reconnect to go on).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { getJob } from '../../core/jobs-service.js';
import { InvalidLogCursorError, parseLogCursor, readLogs, type LogCursor } from '../../core/logs.js';
import type { Job } from '../../core/job.js';
import { isTerminal } from '../../core/job.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { validationProblem } from '../problem.js';
import { JobIdParams } from '../schemas.js';
import type { AgentApiDeps } from './agent-deps.js';
import { apiKeyProblems, problemOf } from '../openapi-responses.js';

export const LOG_LIMITS = { defaultBytes: 64 * 1024, maxBytes: 1024 * 1024, cursorChars: 200 } as const;

const LogsQuery = z.object({
  attempt: z.string().min(1).max(128).optional().openapi({ param: { name: 'attempt', in: 'query' }, description: 'Only this attempt\'s output.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1' }),
  after: z.string().min(1).max(LOG_LIMITS.cursorChars).optional().openapi({ param: { name: 'after', in: 'query' }, description: 'A nextCursor from an earlier page ("<attemptId>:<offset>", or "start").', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1:6' }),
  limit: z.coerce.number().int().min(1).max(LOG_LIMITS.maxBytes).default(LOG_LIMITS.defaultBytes).openapi({ param: { name: 'limit', in: 'query' }, description: 'Bytes per page (default 65536).', example: 65536 }),
  follow: z.enum(['true', 'false', '1', '0']).optional().openapi({ param: { name: 'follow', in: 'query' }, description: 'Stream as Server-Sent Events until the job ends.', example: 'true' }),
});

const LogPieceSchema = z
  .object({
    attemptId: z.string().openapi({ description: 'The attempt whose output this is.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1' }),
    offset: z.number().int().openapi({ description: "Byte offset of the piece's first byte in the attempt's output.", example: 0 }),
    sizeBytes: z.number().int().openapi({ description: 'Bytes in the piece.', example: 6 }),
    text: z.string().openapi({ description: 'The bytes as UTF-8 text (stdout and stderr interleaved as they were written; secrets redacted).', example: 'hello\n' }),
  })
  .openapi('LogPiece', { description: "A run of bytes of one attempt's output." });
const LogPageSchema = z
  .object({
    items: z.array(LogPieceSchema).openapi({ description: 'Pieces in order: attempt by attempt, by offset.' }),
    nextCursor: z.string().optional().openapi({ description: 'Where to continue (pass as after); absent once the job ended and everything was read.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1:6' }),
    more: z.boolean().openapi({ description: 'More output is already stored past this page: read again at once rather than wait.', example: false }),
  })
  .openapi('LogPage', { description: "A page of a job's output." });

const logsRoute = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/logs',
  operationId: 'getJobLogs',
  tags: ['Logs'],
  summary: "A job's logs",
  description:
    'stdout and stderr of every attempt, in order, as the job agent shipped them (paged by byte offset). With follow=true, Server-Sent Events (`log`, then `end`) until the job ends.',
  security: [{ bearerAuth: [] }],
  request: {
    params: JobIdParams,
    query: LogsQuery,
    headers: z.object({
      'last-event-id': z.string().optional().openapi({ description: 'Sent by an SSE client when it reconnects: the cursor of the last `log` event (used when `after` is absent).', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1:6' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of output (or, with follow=true, an event stream)',
      content: {
        'application/json': {
          schema: LogPageSchema,
          example: { items: [{ attemptId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1', offset: 0, sizeBytes: 6, text: 'hello\n' }], more: false },
        },
        'text/event-stream': {
          schema: z.string().openapi({ description: 'Server-Sent Events: `log` (id = the cursor after it, data = a LogPiece), then `end` {status}, or `pause` {cursor}.' }),
          example: 'event: log\nid: job_4f1c2a9e0b7d3c5a8e6f1b2d-a1:6\ndata: {"attemptId":"job_4f1c2a9e0b7d3c5a8e6f1b2d-a1","offset":0,"sizeBytes":6,"text":"hello\\n"}\n\nevent: end\ndata: {"status":"succeeded"}\n\n',
        },
      },
    },
    400: problemOf(400, 'Invalid query: unknown attempt, bad cursor'),
    404: problemOf(404, 'No such job'),
    ...apiKeyProblems('jobs:read'),
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const registerLogRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, agent: AgentApiDeps): void => {
  const bucket = agent.buckets.logs;
  app.use('/v1/jobs/:id/logs', requireScope('jobs:read'));

  app.openapi(logsRoute, async (c) => {
    const tenantId = c.get('tenantId');
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const job = await getJob(deps.jobs, tenantId, id);
    if (query.attempt && !job.attempts.some((a) => a.id === query.attempt)) {
      return validationProblem(c, [{ field: 'attempt', pointer: '/attempt', detail: `job ${job.id} has no attempt "${query.attempt}"` }], 'query string') as never;
    }
    const after = query.after ?? c.req.header('last-event-id');
    let cursor: LogCursor | undefined;
    try {
      cursor = after ? parseLogCursor(job, after) : undefined;
    } catch (error) {
      if (error instanceof InvalidLogCursorError) return validationProblem(c, [{ field: 'after', pointer: '/after', detail: error.message }], 'query string') as never;
      throw error;
    }
    const read = (j: Job, from: LogCursor | undefined) =>
      readLogs(bucket, j, { limitBytes: query.limit, ...(from ? { cursor: from } : {}), ...(query.attempt ? { attemptId: query.attempt } : {}) });

    if (query.follow !== 'true' && query.follow !== '1') {
      const page = await read(job, cursor);
      return c.json({ items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), more: page.more }, 200);
    }

    const pollMs = agent.logsFollowPollMs ?? 1000;
    const until = Date.now() + (agent.logsFollowMaxSeconds ?? 900) * 1000;
    return streamSSE(c, async (stream) => {
      let current = job;
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        const ended = isTerminal(current.status);
        const page = await read(current, cursor);
        for (const piece of page.items) {
          const next = { attemptId: piece.attemptId, offset: piece.offset + piece.sizeBytes };
          await stream.writeSSE({ event: 'log', id: `${next.attemptId}:${next.offset}`, data: JSON.stringify(piece) });
          cursor = next;
        }
        if (page.nextCursor) cursor = parseLogCursor(current, page.nextCursor) ?? cursor;
        // Read once more after the job ended, so output shipped just before the end is sent.
        if (ended && !page.nextCursor) {
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ status: current.status }) });
          return;
        }
        if (Date.now() > until) {
          await stream.writeSSE({ event: 'pause', data: JSON.stringify({ cursor: page.nextCursor ?? null }) });
          return;
        }
        if (!page.more) await sleep(pollMs);
        current = (await deps.jobs.store.get(current.id)) ?? current;
      }
    });
  });
};
