// The signed HTTP client for the Dispersed API and the shapes this adapter reads.
// Default host: https://api.dispersed.com, the host of every code sample in the docs pages
// (CREATE, REF-JOB, REF-OFFERS, REF-COOK); the example client defaults to
// https://api.compute.x.io instead, so the host is configurable (`baseUrl`). Error bodies
// and statuses are not documented (FACTS.md: UNCONFIRMED): the message is read from a
// `message` or `error` string if there is one, and the shared status rules apply.
import { HttpClient } from '../shared/http-client.js';
import { signingFetch } from './signing.js';

export const DEFAULT_BASE_URL = 'https://api.dispersed.com';

export interface DispersedClientOptions {
  publicKey: string;
  secretKey: string;
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const detail = (body: unknown): string | undefined => {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const text = [b.error, b.message].filter((x) => typeof x === 'string');
  return text.length > 0 ? text.join(': ') : undefined;
};

export const createDispersedClient = (o: DispersedClientOptions): HttpClient =>
  new HttpClient({
    name: 'render',
    baseUrl: o.baseUrl ?? DEFAULT_BASE_URL,
    timeoutMs: o.timeoutMs,
    fetch: signingFetch({ publicKey: o.publicKey, secretKey: o.secretKey, ...(o.now ? { now: o.now } : {}) }, o.fetch ?? fetch),
    detail,
  });

/** GET /v1/jobs/{uuid}: FACTS confirms `status`; `uuid` and `title` are assumed echoed (REF-COOK's job-like object has `title`). */
export interface DispersedJob {
  uuid?: string;
  status?: string;
  title?: string;
  created_at?: string;
}

/** GET /v1/job-runs items (MON); GET /v1/job-runs/{uuid} adds `logs`. */
export interface DispersedRun {
  uuid: string;
  status: string;
  started_at_ms?: number;
  logs?: unknown;
}

/** GET /v1/compute/offers items (REF-OFFERS). */
export interface DispersedOffer {
  offer_id: string;
  region_code?: string;
  hardware_summary?: {
    gpu_count?: number;
    gpu_model_label?: string;
    gpu_models?: Array<{ count?: number; gpu_registry_uuid?: string; min_vram_gib?: number; name?: string }>;
    gpu_registry_uuid?: string;
    min_gpu_vram_gib?: number;
  };
  pricing?: { hourly_rate_usd?: number };
}

/** `{data: [...], page, limit, total}`, documented for job runs and offers; assumed for the job list. */
export interface Page<T> {
  data?: T[];
  page?: number;
  limit?: number;
  total?: number;
}

/** A job read may answer the object itself (dispersed.py's get_job) or wrap it in `data`. */
export const unwrap = <T>(body: unknown): T | undefined => {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  return (b.data && typeof b.data === 'object' && !Array.isArray(b.data) ? b.data : b) as T;
};
