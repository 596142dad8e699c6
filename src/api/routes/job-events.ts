// GET /v1/jobs/{id}/events: a job's timeline. ?after=<seq> returns only the events after
// that seq; ?follow=true streams them as Server-Sent Events until the job ends.
//
// Page:   200 { items: [JobEvent…] } in seq order (gap-free, so `after` is a safe cursor).
// Follow: text/event-stream; `event: job-event` per event (id = its seq, so a reconnect with
//         Last-Event-ID resumes after it), then `event: end` { status } once the job ended
//         and every event was sent, or `event: pause` { after } after followMaxSeconds
//         (reconnect with after= to go on).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { getJob } from '../../core/jobs-service.js';
import { isTerminal, type JobEvent } from '../../core/job.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { validationProblem } from '../problem.js';
import { JobEventSchema, JobIdParams } from '../schemas.js';
import { apiKeyProblems, problemOf } from '../openapi-responses.js';
import { JOB_EVENTS_EXAMPLE } from '../openapi-examples.js';

/** How often a follower re-reads the timeline, and how long one stream lasts before `pause`. */
export const EVENT_FOLLOW = { pollMs: 500, maxSeconds: 900 };

const EventsQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,12}$/, 'a seq number (a non-negative integer)')
    .optional()
    .openapi({ param: { name: 'after', in: 'query' }, description: 'Only events with a seq greater than this.', example: '3' }),
  follow: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .openapi({ param: { name: 'follow', in: 'query' }, description: 'Stream as Server-Sent Events until the job ends.', example: 'true' }),
});

const eventsRoute = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}/events',
  operationId: 'getJobEvents',
  tags: ['Jobs'],
  summary: "A job's timeline",
  description:
    'Every state and attempt change, in seq order, with reasons. `after` skips the events already seen; with follow=true, Server-Sent Events (`job-event`, then `end`) until the job ends.',
  security: [{ bearerAuth: [] }],
  request: {
    params: JobIdParams,
    query: EventsQuery,
    headers: z.object({
      'last-event-id': z.string().optional().openapi({ description: 'Sent by an SSE client when it reconnects: the seq of the last event it got (used when `after` is absent).', example: '5' }),
    }),
  },
  responses: {
    200: {
      description: 'The timeline (or, with follow=true, an event stream)',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(JobEventSchema).openapi({ description: 'The events after `after`, in seq order.' }) }).openapi('JobEventList', { description: "A job's timeline, or the part of it after `after`." }),
          example: { items: JOB_EVENTS_EXAMPLE },
        },
        'text/event-stream': {
          schema: z.string().openapi({ description: 'Server-Sent Events: `job-event` (id = seq, data = a JobEvent), then `end` {status}, or `pause` {after} after 15 minutes.' }),
          example: `event: job-event\nid: 5\ndata: ${JSON.stringify(JOB_EVENTS_EXAMPLE[4])}\n\nevent: end\ndata: {"status":"succeeded"}\n\n`,
        },
      },
    },
    400: problemOf(400, 'Invalid query, or a Last-Event-ID that is not a seq'),
    404: problemOf(404, 'No such job'),
    ...apiKeyProblems('jobs:read'),
  },
});

const eventView = ({ jobId: _jobId, ...event }: JobEvent) => event;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const registerJobEventRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  app.use('/v1/jobs/:id/events', requireScope('jobs:read'));

  app.openapi(eventsRoute, async (c) => {
    const tenantId = c.get('tenantId');
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const lastEventId = c.req.header('last-event-id');
    if (query.after === undefined && lastEventId !== undefined && !/^\d{1,12}$/.test(lastEventId)) {
      return validationProblem(c, [{ field: 'Last-Event-ID', pointer: '/Last-Event-ID', detail: 'a seq number (a non-negative integer)' }], 'request headers') as never;
    }
    let after = Number(query.after ?? lastEventId ?? 0);
    await getJob(deps.jobs, tenantId, id); // 404 for another tenant's job, before any stream opens
    const newEvents = async () => (await deps.jobs.store.events(id)).filter((e) => e.seq > after);

    if (query.follow !== 'true' && query.follow !== '1') {
      return c.json({ items: (await newEvents()).map(eventView) }, 200);
    }

    const until = Date.now() + EVENT_FOLLOW.maxSeconds * 1000;
    return streamSSE(c, async (stream) => {
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        // The job is read before its events, so once it reads terminal every event is in the read that follows.
        const job = await deps.jobs.store.get(id);
        for (const event of await newEvents()) {
          await stream.writeSSE({ event: 'job-event', id: String(event.seq), data: JSON.stringify(eventView(event)) });
          after = event.seq;
        }
        if (!job || isTerminal(job.status)) {
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ status: job?.status ?? 'unknown' }) });
          return;
        }
        if (Date.now() > until) {
          await stream.writeSSE({ event: 'pause', data: JSON.stringify({ after }) });
          return;
        }
        await sleep(EVENT_FOLLOW.pollMs);
      }
    });
  });
};
