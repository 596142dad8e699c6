// HTTP client for the Nosana API (API-key auth), with timeouts and the translation of
// HTTP failures into ProviderError kinds. See nosana-provider.ts for the docs followed.
//   401/403 -> auth (nosana.com/auth.md: "Do not retry unchanged")
//   402     -> capacity (auth.md/pricing.md: out of credits; this account cannot run
//              more work now, so placement should go elsewhere)
//   429     -> transient with Retry-After (the header is not documented by Nosana; honoured
//              when present, seconds or HTTP date)
//   5xx     -> transient, except that the deployment manager answers 500 for a start/stop
//              in the wrong state; callers re-read the deployment to tell the two apart
//   404     -> unknown-job ("Deployment not found.")
import { ProviderError } from '../../core/provider.js';

export interface NosanaClientConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
};

const describe = (body: unknown): string => {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const parts = [b.error, b.message].filter((p) => typeof p === 'string');
    if (parts.length > 0) return parts.join(': ');
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
};

export class NosanaHttpError extends ProviderError {
  constructor(
    kind: ProviderError['kind'],
    message: string,
    readonly status: number,
    retryAfterSeconds?: number,
  ) {
    super(kind, message, retryAfterSeconds);
  }
}

export class NosanaClient {
  constructor(private readonly config: NosanaClientConfig) {}

  /** `path` starts after the base URL, e.g. `/api/deployments`. `auth: false` for public reads. */
  async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    let res: Response;
    try {
      res = await this.config.fetch(`${this.config.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(auth ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      // Refused, reset or timed out: the request may or may not have landed.
      throw new ProviderError('transient', `nosana ${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Gateway error pages are kept as text for the message.
    }
    if (res.ok) return parsed as T;
    const what = `nosana ${method} ${path} -> ${res.status} ${describe(parsed)}`.trim();
    const s = res.status;
    if (s === 401 || s === 403) throw new NosanaHttpError('auth', what, s);
    if (s === 402) throw new NosanaHttpError('capacity', what, s);
    if (s === 429) throw new NosanaHttpError('transient', what, s, parseRetryAfter(res.headers.get('retry-after')));
    if (s >= 500) throw new NosanaHttpError('transient', what, s);
    if (s === 404) throw new NosanaHttpError('unknown-job', what, s);
    throw new NosanaHttpError('permanent', what, s);
  }
}
