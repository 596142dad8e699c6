// A minimal JSON HTTP server for the fakes (node:http on 127.0.0.1, port 0). It applies
// the scenario's injected faults before routing, then the provider's own auth check,
// then the route. Each fake only supplies routes, its auth rule and its error body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { takeChaos } from './chaos.js';
import { recordExchange } from './contract-recorder.js';
import type { Scenario } from './scenario.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** Path with `:name` segments, e.g. `/api/v0/instances/:id/`. */
  pattern: string;
  /** Public endpoints skip the auth check (as the real API does). */
  public?: boolean;
  handle(req: FakeRequest): FakeResponse | Promise<FakeResponse>;
}

export interface FakeServerOptions {
  /** The provider whose published API this fake serves (the contract suite's name for it). */
  provider: string;
  scenario: Scenario;
  routes: Route[];
  /** Returns an error response when the request's credentials are not accepted. */
  authenticate(req: FakeRequest): FakeResponse | undefined;
  /** The provider's error body for an injected fault or an unknown path. */
  errorBody(status: number, message: string): unknown;
}

export interface RunningFake {
  url: string;
  close(): Promise<void>;
}

const matchPath = (pattern: string, path: string): Record<string, string> | undefined => {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return params;
};

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { __invalidJson: text };
  }
};

const send = (res: ServerResponse, out: FakeResponse): void => {
  const body = out.body === undefined ? '' : JSON.stringify(out.body);
  res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
  res.end(body);
};

export const startFakeServer = async (options: FakeServerOptions): Promise<RunningFake> => {
  const { scenario, routes } = options;
  const route = async (method: string, url: URL, headers: IncomingMessage['headers'], body: unknown): Promise<FakeResponse & { injected?: boolean }> => {
    const fault = scenario.takeHttpFault(method, url.pathname);
    if (fault) {
      const faultHeaders: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return { status: fault.status, headers: faultHeaders, body: options.errorBody(fault.status, 'injected fault'), injected: true };
    }
    const chaos = takeChaos(options.provider, method, url.pathname);
    if (chaos && 'status' in chaos) {
      const chaosHeaders: Record<string, string> = chaos.retryAfterSeconds === undefined ? {} : { 'retry-after': String(chaos.retryAfterSeconds) };
      return { status: chaos.status, headers: chaosHeaders, body: options.errorBody(chaos.status, 'injected fault'), injected: true };
    }
    if (chaos) await new Promise((resolve) => setTimeout(resolve, chaos.delayMs)); // a hang: held, then the real answer
    for (const r of routes) {
      if (r.method !== method) continue;
      const params = matchPath(r.pattern, url.pathname);
      if (!params) continue;
      const req: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers, params, body };
      if (!r.public) {
        const denied = options.authenticate(req);
        if (denied) return denied;
      }
      return r.handle(req);
    }
    return { status: 404, body: options.errorBody(404, `no route for ${method} ${url.pathname}`) };
  };

  const handle = async (raw: IncomingMessage): Promise<FakeResponse> => {
    const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
    const method = raw.method ?? 'GET';
    const body = await readBody(raw);
    const { injected, ...out } = await route(method, url, raw.headers, body).catch(
      (err: unknown): FakeResponse & { injected?: boolean } => ({ status: 500, body: options.errorBody(500, String(err)) }),
    );
    recordExchange({
      provider: options.provider,
      method,
      path: url.pathname,
      query: [...url.searchParams.entries()],
      ...(raw.headers['content-type'] ? { requestContentType: raw.headers['content-type'] } : {}),
      ...(body === undefined ? {} : { requestBody: body }),
      status: out.status,
      ...(out.body === undefined ? {} : { responseBody: out.body }),
      injected: injected === true,
    });
    return out;
  };

  const server = createServer((req, res) => {
    handle(req).then(
      (out) => send(res, out),
      (err: unknown) => send(res, { status: 500, body: options.errorBody(500, String(err)) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};
