// The typed Switchyard client: openapi-fetch over the types generated from the API's own
// OpenAPI document (src/generated, built by `npm run build`), plus the helpers people
// want: submit with an automatic Idempotency-Key, wait with backoff, and SSE followers.
import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/api.js';
import { errorFromResponse, SwitchyardError } from './errors.js';
import { readSse } from './sse.js';

export type Job = components['schemas']['Job'];
export type JobSpec = components['schemas']['JobSpec'];
export type JobEvent = components['schemas']['JobEvent'];
export type LogPiece = components['schemas']['LogPiece'];
export type LogPage = components['schemas']['LogPage'];
export type JobStatus = Job['status'];

export const DEFAULT_URL = 'http://127.0.0.1:8787';
export const TERMINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];
export const isTerminal = (status: string): boolean => TERMINAL_STATUSES.includes(status);

export interface SwitchyardOptions {
  apiKey: string;
  /** Default http://127.0.0.1:8787 (npm start). */
  url?: string;
  fetch?: typeof fetch;
}

export interface WaitOptions {
  /** Give up (a SwitchyardError with type 'wait-timeout') after this long; default 15 minutes. */
  timeoutMs?: number;
  /** First pause between reads (default 250 ms), doubled up to maxDelayMs (default 5 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called with each read of the job, e.g. to show progress. */
  onPoll?: (job: Job) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

const readBody = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** openapi-fetch answers { data, error, response }; this returns data or throws the problem. */
const unwrap = <T>(result: { data?: T; error?: unknown; response: Response }): T => {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw errorFromResponse(result.response, result.error);
};

export const createSwitchyard = (options: SwitchyardOptions) => {
  const baseUrl = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const authorization = `Bearer ${options.apiKey}`;
  const api: Client<paths> = createClient<paths>({ baseUrl, headers: { authorization }, fetch: doFetch });

  const getJob = async (id: string): Promise<Job> => unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id } } }));

  const jobEvents = async (id: string, after?: number): Promise<JobEvent[]> => {
    const page = unwrap(await api.GET('/v1/jobs/{id}/events', { params: { path: { id }, query: after !== undefined ? { after: String(after) } : {} } }));
    // Without follow the route answers JSON; the event-stream variant is never asked for here.
    if (typeof page === 'string') throw new Error('expected a JSON timeline, got an event stream');
    return page.items;
  };

  /** Opens an event stream; a JSON answer (a route without follow) comes back as { json }. */
  const openStream = async (path: string, signal?: AbortSignal): Promise<{ stream: ReadableStream<Uint8Array> } | { json: unknown }> => {
    const response = await doFetch(`${baseUrl}${path}`, {
      headers: { authorization, accept: 'text/event-stream' },
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw errorFromResponse(response, await readBody(response));
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream') && response.body) return { stream: response.body };
    return { json: await readBody(response) };
  };

  return {
    /** The raw typed client: every route of the OpenAPI document. */
    api,
    baseUrl,

    /**
     * Submits a job. An Idempotency-Key is made up when none is given, so the retries this
     * does (network errors, 429 after Retry-After, 5xx) can never create a second job.
     */
    async submit(spec: JobSpec, opts: { idempotencyKey?: string; retries?: number } = {}): Promise<Job> {
      const key = opts.idempotencyKey ?? `sy-${randomUUID()}`;
      const retries = opts.retries ?? 3;
      for (let attempt = 0; ; attempt++) {
        let result;
        try {
          result = await api.POST('/v1/jobs', { body: spec, params: { header: { 'idempotency-key': key } } });
        } catch (error) {
          if (attempt >= retries) throw error;
          await sleep(250 * 2 ** attempt);
          continue;
        }
        const status = result.response.status;
        if ((status === 429 || status >= 500) && attempt < retries) {
          const retryAfter = Number(result.response.headers.get('retry-after'));
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt);
          continue;
        }
        return unwrap(result);
      }
    },

    getJob,
    async listJobs(query: { status?: string; limit?: number; cursor?: string } = {}) {
      return unwrap(await api.GET('/v1/jobs', { params: { query: query as never } }));
    },
    async cancelJob(id: string): Promise<Job> {
      return unwrap(await api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }));
    },
    jobEvents,
    /** One page of output; without follow the route answers JSON only. */
    async jobLogs(id: string, query: { attempt?: string; after?: string; limit?: number } = {}): Promise<LogPage> {
      const page = unwrap(await api.GET('/v1/jobs/{id}/logs', { params: { path: { id }, query: query as never } }));
      if (typeof page === 'string') throw new SwitchyardError(502, { type: 'not-json', title: 'Unexpected answer', detail: 'the logs page was not JSON' });
      return page;
    },
    async providers() {
      return unwrap(await api.GET('/v1/providers', {})).items;
    },
    async quote(spec: JobSpec) {
      return unwrap(await api.POST('/v1/quotes', { body: spec }));
    },
    async balance() {
      return unwrap(await api.GET('/v1/balance', {}));
    },
    async usage(query: { from?: string; to?: string } = {}) {
      return unwrap(await api.GET('/v1/usage', { params: { query } }));
    },

    /** Reads the job until it ends, pausing 250 ms, 500 ms, … up to 5 s between reads. */
    async wait(id: string, opts: WaitOptions = {}): Promise<Job> {
      const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
      let delay = opts.minDelayMs ?? 250;
      for (;;) {
        const job = await getJob(id);
        opts.onPoll?.(job);
        if (isTerminal(job.status)) return job;
        if (Date.now() + delay > deadline) {
          throw new SwitchyardError(408, { type: 'wait-timeout', title: 'Wait timed out', detail: `job ${id} is still ${job.status}` });
        }
        await sleep(delay, opts.signal);
        delay = Math.min(delay * 2, opts.maxDelayMs ?? 5000);
      }
    },

    /**
     * The job's output as it is shipped (GET /v1/jobs/{id}/logs?follow=true), every attempt
     * in order, until the job has ended and everything was read. Reconnects after a pause.
     */
    async *followLogs(id: string, opts: { attempt?: string; after?: string; signal?: AbortSignal } = {}): AsyncGenerator<LogPiece> {
      let after = opts.after;
      for (;;) {
        const query = new URLSearchParams({ follow: 'true', ...(opts.attempt ? { attempt: opts.attempt } : {}), ...(after ? { after } : {}) });
        const opened = await openStream(`/v1/jobs/${encodeURIComponent(id)}/logs?${query}`, opts.signal);
        if (!('stream' in opened)) throw new SwitchyardError(502, { type: 'not-a-stream', title: 'Not an event stream', detail: 'the logs route did not answer with Server-Sent Events' });
        let paused = false;
        for await (const message of readSse(opened.stream)) {
          if (message.event === 'log') {
            if (message.id) after = message.id;
            yield JSON.parse(message.data) as LogPiece;
          } else if (message.event === 'end') {
            return;
          } else if (message.event === 'pause') {
            const cursor = (JSON.parse(message.data) as { cursor?: string | null }).cursor;
            if (cursor) after = cursor;
            paused = true;
          }
        }
        if (!paused) return;
      }
    },

    /**
     * The job's timeline as it happens, each event once and in seq order, until the job
     * ends. Uses ?follow=true (SSE) where the API streams it, otherwise polls with backoff.
     */
    async *followEvents(id: string, opts: { after?: number; signal?: AbortSignal; pollMs?: number } = {}): AsyncGenerator<JobEvent> {
      let after = opts.after ?? 0;
      let delay = opts.pollMs ?? 250;
      for (;;) {
        const opened = await openStream(`/v1/jobs/${encodeURIComponent(id)}/events?follow=true&after=${after}`, opts.signal);
        if ('stream' in opened) {
          let ended = false;
          for await (const message of readSse(opened.stream)) {
            if (message.event === 'end') {
              ended = true;
              break;
            }
            const event = JSON.parse(message.data) as JobEvent;
            if (typeof event?.seq === 'number' && event.seq > after) {
              after = event.seq;
              yield event;
            }
          }
          if (ended) return;
          // The stream closed without an end: after a job's end, take the rest from the timeline.
          if (!isTerminal((await getJob(id)).status)) continue;
          for (const event of await jobEvents(id)) if (event.seq > after) yield event;
          return;
        }
        // A timeline page: read the job first, so an event written just before it ended is not missed.
        const job = await getJob(id);
        for (const event of await jobEvents(id)) {
          if (event.seq > after) {
            after = event.seq;
            yield event;
          }
        }
        if (isTerminal(job.status)) return;
        await sleep(delay, opts.signal);
        delay = Math.min(delay * 2, 2000);
      }
    },
  };
};

export type Switchyard = ReturnType<typeof createSwitchyard>;
