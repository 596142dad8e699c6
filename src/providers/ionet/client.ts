// HTTP client for the io.net IO Cloud API: `x-api-key` auth (docs: "Use the returned key
// with the X-API-KEY header"), FastAPI-style error bodies ({detail: string | [{loc, msg,
// type}]}), and the mapping of failures to ProviderError kinds.
import { ProviderError } from '../../core/provider.js';

export interface IoClientConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

const retryAfter = (v: string | null): number | undefined => {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
};

const detailOf = (body: unknown): string => {
  const d = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) return d.map((x) => (x as { msg?: string }).msg ?? '').join('; ');
  return '';
};

export class IoClient {
  constructor(private readonly config: IoClientConfig) {}

  /** `notFound` says what a 404 means for this call. */
  async call<T>(method: string, path: string, body?: unknown, notFound: 'unknown-job' | 'permanent' = 'unknown-job'): Promise<T> {
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
      throw new ProviderError('transient', `ionet ${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = text;
    }
    if (res.ok) return parsed as T;
    const what = `ionet ${method} ${path} -> ${res.status} ${detailOf(parsed)}`.trim();
    if (res.status === 401 || res.status === 403) throw new ProviderError('auth', what);
    if (res.status === 429) throw new ProviderError('transient', what, retryAfter(res.headers.get('retry-after')));
    if (res.status >= 500) throw new ProviderError('transient', what);
    if (res.status === 404) throw new ProviderError(notFound, what);
    // 409: resource_private_name already used; the caller resolves it.
    if (res.status === 409) throw new ProviderError('permanent', `conflict: ${what}`);
    if (/no (available )?(capacity|replicas|hardware)|not enough/i.test(what)) throw new ProviderError('capacity', what);
    throw new ProviderError('permanent', what);
  }
}
