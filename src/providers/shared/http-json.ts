// A small JSON-over-HTTPS client for bearer-token REST APIs (RunPod REST, GCP Batch),
// using the platform fetch, with one place that turns HTTP failures into the core's
// ProviderError kinds. Used by RunPod and GCP Batch.
import { ProviderError } from '../../core/provider.js';

export interface JsonHttpOptions {
  /** Provider name, for error messages. */
  name: string;
  baseUrl: string;
  /** The bearer token, or a function returning a fresh one (OAuth access tokens expire). */
  token: string | (() => Promise<string>);
  /** Pulls the human message out of the provider's error body. */
  errorMessage(body: unknown): string | undefined;
  /** Error messages that mean "no capacity for this shape right now", whatever the status. */
  capacityPattern?: RegExp;
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export const parseRetryAfter = (raw: string | null, now = Date.now()): number | undefined => {
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
};

export class JsonHttp {
  constructor(private readonly options: JsonHttpOptions) {}

  /**
   * Sends one request. 2xx answers and the statuses in `allow` are returned; every other
   * answer, and any network failure, is thrown as a classified ProviderError.
   */
  async request(
    method: string,
    path: string,
    init: { query?: Record<string, string>; body?: unknown; allow?: number[] } = {},
  ): Promise<JsonResponse> {
    const { name } = this.options;
    const url = new URL(this.options.baseUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const token = typeof this.options.token === 'string' ? this.options.token : await this.options.token();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      // No answer at all (refused, reset, timed out): worth retrying.
      throw new ProviderError('transient', `${name} ${method} ${path}: ${String(err)}`);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON (a proxy's HTML error page, say): keep the text for the message.
    }
    if ((res.status >= 200 && res.status < 300) || init.allow?.includes(res.status)) return { status: res.status, body };
    const detail = this.options.errorMessage(body) ?? (typeof body === 'string' ? body.slice(0, 200) : '');
    throw this.classify(res.status, `${name} ${method} ${path}: HTTP ${res.status} ${detail}`, res.headers.get('retry-after'));
  }

  private classify(status: number, message: string, retryAfter: string | null): ProviderError {
    if (this.options.capacityPattern?.test(message)) return new ProviderError('capacity', message);
    if (status === 401 || status === 403) return new ProviderError('auth', message);
    if (status === 404) return new ProviderError('unknown-job', message);
    if (status === 429 || status >= 500) return new ProviderError('transient', message, parseRetryAfter(retryAfter));
    return new ProviderError('permanent', message);
  }
}
