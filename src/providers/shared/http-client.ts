// The JSON-over-HTTP client every REST provider adapter uses: base URL, auth headers,
// a timeout, JSON (or raw text) bodies, and the classification of failures into the
// core's ProviderError kinds that all providers share:
//   no answer (refused, reset, timed out) -> transient (the request may or may not have landed)
//   401/403 -> auth
//   404     -> unknown-job (a call can say what a 404 means for it)
//   429     -> transient, with retryAfterSeconds from Retry-After
//   5xx     -> transient
//   other   -> permanent
// What differs per provider (the error body's shape, the message, "no capacity" answers,
// statuses with a meaning of their own) comes in through the config, from the provider's
// own folder.
import { ProviderError, type ProviderErrorKind } from '../../core/provider.js';

/** Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export const parseRetryAfter = (raw: string | null | undefined, now = Date.now()): number | undefined => {
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
};

/** The classification every provider shares, by HTTP status. */
export const kindForStatus = (status: number, notFound: ProviderErrorKind = 'unknown-job'): ProviderErrorKind => {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429 || status >= 500) return 'transient';
  if (status === 404) return notFound;
  return 'permanent';
};

/** A failed call, with the HTTP status kept (0: no answer) for callers that treat one specially. */
export class HttpError extends ProviderError {
  constructor(
    kind: ProviderErrorKind,
    message: string,
    readonly status: number,
    retryAfterSeconds?: number,
  ) {
    super(kind, message, retryAfterSeconds);
  }
}

/** What a provider's classification hook sees: the answer, and what the common rules made of it. */
export interface HttpFailure {
  method: string;
  path: string;
  status: number;
  body: unknown;
  headers: Headers;
  message: string;
  kind: ProviderErrorKind;
  retryAfterSeconds?: number;
  /** What a 404 means for this call. */
  notFound: ProviderErrorKind;
}

export interface Classification {
  kind: ProviderErrorKind;
  message?: string;
  retryAfterSeconds?: number;
}

export interface HttpClientConfig {
  /** Provider name: the first word of every error message. */
  name: string;
  baseUrl: string;
  /** Headers that authenticate a request; asked for each request, so tokens can be refreshed. */
  auth?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default: the platform fetch. */
  fetch?: typeof fetch;
  /** The human part of an error body; undefined falls back to the first 200 characters of a text body. */
  detail?(body: unknown, text: string): string | undefined;
  /** The message for an error answer; default `name METHOD path -> status detail`. */
  message?(f: { method: string; path: string; status: number; detail: string }): string;
  /** The message when no answer came; default `name METHOD path: error message`. */
  networkMessage?(f: { method: string; path: string; error: unknown }): string;
  /** Provider-specific classification; its answer replaces the common one. */
  classify?(failure: HttpFailure): Classification | undefined;
}

/** What an API-key provider's config says about reaching its API. */
export interface ApiKeyClientOptions {
  apiKey: string;
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** Statuses answered rather than thrown, besides 2xx. */
  allow?: number[];
  /** What a 404 means for this call (default unknown-job). */
  notFound?: ProviderErrorKind;
  /** false for public endpoints: no auth headers. */
  auth?: boolean;
}

export interface HttpResponse {
  status: number;
  body: unknown;
}

export class HttpClient {
  constructor(private readonly config: HttpClientConfig) {}

  /** One request: 2xx answers and the `allow`ed statuses are returned, anything else thrown as an HttpError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const { name } = this.config;
    const url = new URL(this.config.baseUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const auth = options.auth === false || !this.config.auth ? {} : await this.config.auth();
    let res: Response;
    try {
      res = await (this.config.fetch ?? fetch)(url.href, {
        method,
        headers: {
          accept: 'application/json',
          ...auth,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const message =
        this.config.networkMessage?.({ method, path, error }) ?? `${name} ${method} ${path}: ${(error as Error).message}`;
      throw new HttpError('transient', message, 0);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON (a proxy's or gateway's error page): keep the text for the message.
    }
    if (res.ok || options.allow?.includes(res.status)) return { status: res.status, body };
    throw this.failure(method, path, res, body, text, options.notFound ?? 'unknown-job');
  }

  /** A request whose answer body is all the caller wants. */
  async call<T>(method: string, path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await this.request(method, path, { ...options, body })).body as T;
  }

  private failure(method: string, path: string, res: Response, body: unknown, text: string, notFound: ProviderErrorKind): HttpError {
    const { name } = this.config;
    const status = res.status;
    const detail = this.config.detail?.(body, text) ?? (typeof body === 'string' ? body.slice(0, 200) : '');
    const message = this.config.message?.({ method, path, status, detail }) ?? `${name} ${method} ${path} -> ${status} ${detail}`.trim();
    const kind = kindForStatus(status, notFound);
    const retryAfterSeconds = status === 429 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
    const common = { method, path, status, body, headers: res.headers, message, kind, retryAfterSeconds, notFound };
    const c = this.config.classify?.(common) ?? common;
    return new HttpError(c.kind, c.message ?? message, status, c.retryAfterSeconds);
  }
}

/** An error body reader: its string fields among `keys`, joined with ': ', or undefined. */
export const errorFields =
  (...keys: string[]) =>
  (body: unknown): string | undefined => {
    if (!body || typeof body !== 'object') return undefined;
    const b = body as Record<string, unknown>;
    const parts = keys.map((k) => b[k]).filter((p) => typeof p === 'string');
    return parts.length > 0 ? parts.join(': ') : undefined;
  };

/** `Authorization: Bearer …`, from a fixed token or a function returning a fresh one. */
export const bearerAuth = (token: string | (() => Promise<string>)) => async (): Promise<Record<string, string>> => ({
  authorization: `Bearer ${typeof token === 'string' ? token : await token()}`,
});

/** An API key in a header of its own, such as `x-api-key`. */
export const apiKeyHeader = (header: string, key: string) => (): Record<string, string> => ({ [header]: key });
