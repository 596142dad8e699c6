// The io.net IO Cloud API over the shared HTTP client: `x-api-key` auth (docs: "Use the
// returned key with the X-API-KEY header"), FastAPI-style error bodies ({detail: string |
// [{loc, msg, type}]}), and two io.net readings on top of the common classification:
// 409 is a name conflict (marked "conflict:" for the caller to resolve), and a refusal
// that says there is no capacity is capacity.
import { apiKeyHeader, HttpClient, type ApiKeyClientOptions, type HttpFailure } from '../shared/http-client.js';

const NO_CAPACITY = /no (available )?(capacity|replicas|hardware)|not enough/i;

const detail = (body: unknown): string => {
  const d = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) return d.map((x) => (x as { msg?: string }).msg ?? '').join('; ');
  return '';
};

const classify = (f: HttpFailure) => {
  // 409: resource_private_name already used; the caller resolves it.
  if (f.status === 409) return { kind: 'permanent' as const, message: `conflict: ${f.message}` };
  if (f.status !== 404 && f.kind === 'permanent' && NO_CAPACITY.test(f.message)) return { kind: 'capacity' as const };
  return undefined;
};

export const createIoClient = (options: ApiKeyClientOptions): HttpClient =>
  new HttpClient({
    name: 'ionet',
    baseUrl: options.baseUrl ?? 'https://api.io.solutions',
    auth: apiKeyHeader('x-api-key', options.apiKey),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    detail,
    classify,
  });
