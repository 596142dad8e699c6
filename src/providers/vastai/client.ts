// The Vast.ai REST API over the shared HTTP client: bearer auth, error bodies
// {error, msg, detail}, and 410 Gone meaning the same as 404 (see vastai-provider.ts for
// the docs followed). What a 404/410 means depends on the call: no such offer
// (capacity, when creating an instance) or no such instance (unknown-job).
import { bearerAuth, errorFields, HttpClient, type ApiKeyClientOptions } from '../shared/http-client.js';

export const createVastClient = (options: ApiKeyClientOptions): HttpClient =>
  new HttpClient({
    name: 'vastai',
    baseUrl: options.baseUrl ?? 'https://console.vast.ai',
    auth: bearerAuth(options.apiKey),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    detail: errorFields('error', 'msg', 'detail'),
    classify: (f) => (f.status === 410 ? { kind: f.notFound } : undefined),
  });
