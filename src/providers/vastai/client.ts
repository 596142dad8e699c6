// The Vast.ai REST API over the shared HTTP client: bearer auth (openapi.yaml
// securitySchemes BearerAuth), error bodies {success, error, msg} (components/schemas/Error)
// or {detail} on 429, and Vast's own readings on top of the common classification:
//   410 on createInstance: "Offer no longer available" -> what a 404 means for the call
//   403 on createInstance: the one documented 403 is "Offer 1234567 is not your own. Hosts
//       can only rent their own machines." — an offer this account may not take, so the
//       next offer is tried (capacity), not an auth failure (a bad key is 401 there).
//   404 on searchOffers: documented as "Unauthorized - invalid or missing API key" -> auth.
import { bearerAuth, errorFields, HttpClient, type ApiKeyClientOptions } from '../shared/http-client.js';

const CREATE_INSTANCE = /^\/api\/v0\/asks\/[^/]+\/?$/;
const SEARCH_OFFERS = /^\/api\/v0\/bundles\/?$/;

export const createVastClient = (options: ApiKeyClientOptions): HttpClient =>
  new HttpClient({
    name: 'vastai',
    baseUrl: options.baseUrl ?? 'https://console.vast.ai',
    auth: bearerAuth(options.apiKey),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    detail: errorFields('error', 'msg', 'detail'),
    classify: (f) => {
      if (f.status === 410) return { kind: f.notFound };
      if (f.status === 404 && SEARCH_OFFERS.test(f.path)) return { kind: 'auth' };
      if (f.status === 403 && CREATE_INSTANCE.test(f.path)) return { kind: 'capacity', message: `${f.message} (offer refused)` };
      return undefined;
    },
  });
