// The Nosana API over the shared HTTP client (API-key bearer auth, error bodies
// {error, message}). See nosana-provider.ts for the docs followed. On top of the common
// classification:
//   402     -> capacity (auth.md/pricing.md: out of credits; this account cannot run
//              more work now, so placement should go elsewhere)
//   429     -> Retry-After is not documented by Nosana; honoured when present
//   5xx     -> transient, except that the deployment manager answers 500 for a start/stop
//              in the wrong state; callers read HttpError.status and re-read the deployment
//   404     -> unknown-job ("Deployment not found.")
// Public reads (the markets) pass `auth: false`.
import { bearerAuth, errorFields, HttpClient, type ApiKeyClientOptions } from '../shared/http-client.js';

export const createNosanaClient = (options: ApiKeyClientOptions): HttpClient =>
  new HttpClient({
    name: 'nosana',
    baseUrl: options.baseUrl ?? 'https://api.nosana.com',
    auth: bearerAuth(options.apiKey),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    detail: errorFields('error', 'message'),
    classify: (f) => (f.status === 402 ? { kind: 'capacity' } : undefined),
  });
