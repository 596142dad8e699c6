// The REST style RunPod and GCP Batch share, as a preset of the shared HTTP client: a
// bearer token (fixed, or a function returning a fresh one: OAuth access tokens expire),
// messages `name METHOD path: HTTP status detail`, Retry-After honoured on 5xx as well
// as 429, and an optional "no capacity" message pattern that wins over the status.
import { bearerAuth, HttpClient, parseRetryAfter } from './http-client.js';

export interface JsonHttpOptions {
  /** Provider name, for error messages. */
  name: string;
  baseUrl: string;
  token: string | (() => Promise<string>);
  /** Pulls the human message out of the provider's error body. */
  errorMessage(body: unknown): string | undefined;
  /** Error messages that mean "no capacity for this shape right now", whatever the status. */
  capacityPattern?: RegExp;
  timeoutMs?: number;
}

export const jsonHttp = (options: JsonHttpOptions): HttpClient => {
  const { name, capacityPattern } = options;
  return new HttpClient({
    name,
    baseUrl: options.baseUrl,
    auth: bearerAuth(options.token),
    timeoutMs: options.timeoutMs,
    detail: options.errorMessage,
    message: ({ method, path, status, detail }) => `${name} ${method} ${path}: HTTP ${status} ${detail}`,
    networkMessage: ({ method, path, error }) => `${name} ${method} ${path}: ${String(error)}`,
    classify: (f) => {
      if (capacityPattern?.test(f.message)) return { kind: 'capacity' };
      if (f.status >= 500) return { kind: 'transient', retryAfterSeconds: parseRetryAfter(f.headers.get('retry-after')) };
      return undefined;
    },
  });
};
