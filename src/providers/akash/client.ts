// HTTP client for the Akash Console API: `x-api-key` auth, the {data: …} envelope, and
// the documented error table (400 BadRequest, 401 Unauthorized, 404 NotFound,
// 409 Conflict, 429 TooManyRequests, 500 InternalServerError; body {error, message})
// turned into ProviderError kinds.
import { ProviderError } from '../../core/provider.js';

export interface AkashClientConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
};

/** An HTTP failure with the status kept, for the few calls that treat one specially. */
export class AkashHttpError extends ProviderError {
  constructor(
    kind: ProviderError['kind'],
    message: string,
    readonly status: number,
    retryAfterSeconds?: number,
  ) {
    super(kind, message, retryAfterSeconds);
  }
}

export class AkashClient {
  constructor(private readonly config: AkashClientConfig) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.config.fetch(`${this.config.baseUrl}${path}`, {
        method,
        headers: {
          'x-api-key': this.config.apiKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      throw new AkashHttpError('transient', `akash ${method} ${path}: ${(err as Error).message}`, 0);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // keep the raw text for the error message
    }
    if (res.ok) return parsed as T;
    const b = (parsed && typeof parsed === 'object' ? parsed : {}) as { error?: unknown; message?: unknown };
    const detail = [b.error, b.message].filter((x) => typeof x === 'string').join(': ') || String(text).slice(0, 200);
    const what = `akash ${method} ${path} -> ${res.status} ${detail}`;
    if (res.status === 401 || res.status === 403) throw new AkashHttpError('auth', what, res.status);
    if (res.status === 429) {
      throw new AkashHttpError('transient', what, res.status, parseRetryAfter(res.headers.get('retry-after')));
    }
    if (res.status >= 500) throw new AkashHttpError('transient', what, res.status);
    if (res.status === 404) throw new AkashHttpError('unknown-job', what, res.status);
    throw new AkashHttpError('permanent', what, res.status);
  }
}
