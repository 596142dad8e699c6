// The Akash Console API over the shared HTTP client: `x-api-key` auth, the {data: …}
// envelope, and the documented error table (400 BadRequest, 401 Unauthorized, 404
// NotFound, 429 TooManyRequests, 500 InternalServerError; body {error, message}). The
// common classification fits it as is; callers that treat a status specially (400 on a
// lease: the bid is gone or already leased; 404/400 on close) read HttpError.status.
import { apiKeyHeader, errorFields, HttpClient, type ApiKeyClientOptions } from '../shared/http-client.js';

export const createAkashClient = (options: ApiKeyClientOptions): HttpClient =>
  new HttpClient({
    name: 'akash',
    baseUrl: options.baseUrl ?? 'https://console-api.akash.network',
    auth: apiKeyHeader('x-api-key', options.apiKey),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    detail: (body, text) => errorFields('error', 'message')(body) ?? text.slice(0, 200),
  });
