// HTTP client for the Vast.ai REST API: bearer auth, timeouts, and the translation of
// HTTP failures into ProviderError kinds (see vastai-provider.ts for the docs followed).
import { ProviderError } from '../../core/provider.js';

export interface VastClientConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** What a 404/410 means depends on the call: no such offer (capacity) or no such instance. */
export type NotFoundMeans = 'capacity' | 'unknown-job';

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
    const parts = [b.error, b.msg, b.detail].filter((p) => typeof p === 'string');
    if (parts.length > 0) return parts.join(': ');
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
};

export class VastClient {
  constructor(private readonly config: VastClientConfig) {}

  async call<T>(method: string, path: string, body?: unknown, notFound: NotFoundMeans = 'unknown-job'): Promise<T> {
    let res: Response;
    try {
      res = await this.config.fetch(`${this.config.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      // Connection refused, reset or timed out: the request may or may not have landed.
      throw new ProviderError('transient', `vastai ${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Non-JSON error pages (proxies, gateways) are kept as text for the message.
    }
    if (res.ok) return parsed as T;
    const what = `vastai ${method} ${path} -> ${res.status} ${describe(parsed)}`.trim();
    if (res.status === 401 || res.status === 403) throw new ProviderError('auth', what);
    if (res.status === 429) {
      throw new ProviderError('transient', what, parseRetryAfter(res.headers.get('retry-after')));
    }
    if (res.status >= 500) throw new ProviderError('transient', what);
    if (res.status === 404 || res.status === 410) throw new ProviderError(notFound, what);
    throw new ProviderError('permanent', what);
  }
}
