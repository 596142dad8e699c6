// The request body limit, enforced so that a refused request keeps its keep-alive connection.
//
// Why not hono/body-limit: it answers 413 without reading the body, and whatever the server then
// does with the unread bytes (Node closes the socket, @hono/node-server drains for 500 ms and
// destroys it) the client sees a reset instead of the problem. Here every body is read before
// any handler answers: kept up to `maxBytes`, read and discarded past it up to `drainBytes`, so
// the 4xx goes out on a connection that is ready for the next request. Only a body past
// `drainBytes` is not read to its end; that answer says `Connection: close`.
// Reading first also means no other early answer (401, 404, 405, 415, 429) leaves bytes behind.
import type { Context, MiddlewareHandler } from 'hono';

export interface BodyLimitOptions {
  maxBytes: number;
  /** Read (and discard) up to this many bytes of an oversized body before answering. */
  drainBytes: number;
  tooLarge: (c: Context) => Response | Promise<Response>;
}

/** Reads at most `drainBytes`; returns the body when it fits in `maxBytes`, else how far it got. */
const readBounded = async (
  body: ReadableStream<Uint8Array>,
  { maxBytes, drainBytes }: BodyLimitOptions,
): Promise<{ fits: true; bytes: Uint8Array } | { fits: false; drained: boolean }> => {
  const reader = body.getReader();
  const kept: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size <= maxBytes) kept.push(value);
    if (size > drainBytes) {
      await reader.cancel().catch(() => undefined);
      return { fits: false, drained: false };
    }
  }
  if (size > maxBytes) return { fits: false, drained: true };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of kept) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { fits: true, bytes };
};

const closing = async (response: Response): Promise<Response> => {
  const headers = new Headers(response.headers);
  headers.set('connection', 'close');
  // A buffered body, so the answer carries its Content-Length and ends before the close.
  return new Response(await response.arrayBuffer(), { status: response.status, statusText: response.statusText, headers });
};

export const bodyLimit = (options: BodyLimitOptions): MiddlewareHandler => {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.raw.headers.has('transfer-encoding') ? undefined : Number(c.req.raw.headers.get('content-length') ?? NaN);
    // A declared length past the drain bound: no point reading megabytes we will refuse.
    if (declared !== undefined && Number.isFinite(declared) && declared > options.drainBytes) {
      await body.cancel().catch(() => undefined);
      return closing(await options.tooLarge(c));
    }
    const read = await readBounded(body, options);
    if (!read.fits) return read.drained ? options.tooLarge(c) : closing(await options.tooLarge(c));
    c.req.raw = new Request(c.req.raw, { body: read.bytes });
    return next();
  };
};
