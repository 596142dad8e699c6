// The Nosana Deployments API over the shared HTTP client (nosana/FACTS.md "Base URL and
// auth"). Base: `https://api.nosana.com/api` by default — the newer of the two documented
// bases (SITE-IDX public/auth.md and public/pricing.md, with a 2026-09 price snapshot, and
// public/.well-known/api-catalog name api.nosana.com; LEARN docs/api/intro.md, last changed
// 2025-12, names https://dashboard.k8s.prd.nos.ci/api). Both serve the same paths; the
// operator may pick either with `baseUrl`; a bare host (no path) gets the documented `/api`
// prefix, so `https://dashboard.k8s.prd.nos.ci` and `…/api` mean the same.
// Auth: `Authorization: Bearer nos_…`. Error bodies: `{error}` (DM error.schema.ts); 401 is a
// bare JSON string. On top of the common classification:
//   402 -> capacity (auth.md: out of credits; this account cannot run more work now)
//   500 with "Deployment is in the incorrect state." or "Cannot modify an archived
//       deployment." -> permanent: FACTS says wrong-state answers are 500 and a client
//       must not treat them as transient (retrying the same call cannot succeed)
//   other 5xx -> transient; 404 -> unknown-job ("Deployment not found.")
// Public reads (the markets) pass `auth: false`.
import { bearerAuth, errorFields, HttpClient, type ApiKeyClientOptions } from '../shared/http-client.js';

export const NOSANA_DEFAULT_BASE_URL = 'https://api.nosana.com/api';
export const WRONG_STATE = /incorrect state|archived deployment/i;

/** A bare host gets the documented `/api` prefix; a URL with a path is taken as given. */
export const nosanaBaseUrl = (configured: string | undefined): string => {
  if (!configured) return NOSANA_DEFAULT_BASE_URL;
  const url = new URL(configured);
  return url.pathname === '/' || url.pathname === '' ? `${url.origin}/api` : configured.replace(/\/$/, '');
};

const errorText = (body: unknown): string | undefined => (typeof body === 'string' ? body : errorFields('error')(body));

export const createNosanaClient = (options: ApiKeyClientOptions): HttpClient =>
  new HttpClient({
    name: 'nosana',
    baseUrl: nosanaBaseUrl(options.baseUrl),
    auth: bearerAuth(options.apiKey),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    detail: errorText,
    classify: (f) => {
      if (f.status === 402) return { kind: 'capacity' };
      if (f.status === 500 && WRONG_STATE.test(errorText(f.body) ?? '')) return { kind: 'permanent' };
      return undefined;
    },
  });
