// The io.net IO Cloud API over the shared HTTP client: `x-api-key` header (the spec's
// operations take it as a header parameter, "io.net provided API Key"), FastAPI error
// bodies (HTTPValidationError {detail: [{loc, msg, type}]} on 422; a string detail
// elsewhere), and two io.net readings on top of the common classification. Both are
// ASSUMED: the spec documents only 200, 404 (no body) and 422 for the CaaS operations,
// so how a refusal for lack of capacity or a reused resource_private_name is worded is
// not published. A refusal whose message says there are no replicas / no capacity is
// capacity; one saying the name already exists is a conflict ("conflict:" for the caller).
import { apiKeyHeader, HttpClient, type ApiKeyClientOptions, type HttpFailure } from '../shared/http-client.js';

const NO_CAPACITY = /no (available )?(capacity|replicas|hardware)|not enough/i;
const NAME_TAKEN = /resource_private_name.*(already exists|not unique|taken)|(already exists|not unique).*resource_private_name/i;

const detail = (body: unknown): string => {
  const d = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof d === 'string') return d;
  if (Array.isArray(d)) {
    return d
      .map((x) => {
        const e = x as { loc?: unknown[]; msg?: string };
        return `${Array.isArray(e.loc) ? `${e.loc.join('.')}: ` : ''}${e.msg ?? ''}`;
      })
      .join('; ');
  }
  return '';
};

const classify = (f: HttpFailure) => {
  if (f.status === 409 || (f.status === 422 && NAME_TAKEN.test(f.message))) {
    return { kind: 'permanent' as const, message: `conflict: ${f.message}` };
  }
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
