// The shared provider HTTP client on its own, with a stub fetch: the common
// classification, the per-call 404 meaning, and the provider hook.
import { describe, expect, it } from 'vitest';
import { apiKeyHeader, HttpClient, HttpError, kindForStatus, type HttpClientConfig } from '../../../src/providers/shared/http-client.js';
import { providerError } from '../support/errors.js';

interface Seen {
  url: string;
  init: RequestInit;
}

const stub = (status: number, body = '', headers: Record<string, string> = {}) => {
  const seen: Seen[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(status === 204 ? null : body, { status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { seen, fetch };
};

const client = (fetch: typeof globalThis.fetch, extra: Partial<HttpClientConfig> = {}) =>
  new HttpClient({ name: 'demo', baseUrl: 'http://api.test/', auth: apiKeyHeader('x-api-key', 'k'), fetch, ...extra });

describe('shared provider HTTP client', () => {
  it('classifies statuses the way every provider does', () => {
    expect([401, 403, 404, 429, 500, 503, 400, 409].map((s) => kindForStatus(s))).toEqual([
      'auth', 'auth', 'unknown-job', 'transient', 'transient', 'transient', 'permanent', 'permanent',
    ]);
    expect(kindForStatus(404, 'capacity')).toBe('capacity');
  });

  it('sends JSON with the auth header and query, and parses the answer', async () => {
    const { seen, fetch } = stub(200, '{"ok":true}');
    const res = await client(fetch).request('POST', '/v1/things', { body: { a: 1 }, query: { q: 'x y' } });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(seen[0]!.url).toBe('http://api.test/v1/things?q=x+y');
    expect(seen[0]!.init.headers).toMatchObject({ 'x-api-key': 'k', 'content-type': 'application/json' });
    expect(seen[0]!.init.body).toBe('{"a":1}');
    await client(fetch).call('GET', '/public', undefined, { auth: false });
    expect(seen[1]!.init.headers).not.toHaveProperty('x-api-key');
  });

  it('turns an error answer into an HttpError with status, message and Retry-After', async () => {
    const { fetch } = stub(429, '{"error":"slow down"}', { 'retry-after': '9' });
    const err = await providerError(client(fetch, { detail: (b) => (b as { error?: string }).error }).call('GET', '/x'));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ kind: 'transient', retryAfterSeconds: 9, status: 429, message: 'demo GET /x -> 429 slow down' });
    const page = await providerError(client(stub(502, '<html>bad gateway</html>').fetch).call('GET', '/x'));
    expect(page).toMatchObject({ kind: 'transient', retryAfterSeconds: undefined, message: 'demo GET /x -> 502 <html>bad gateway</html>' });
  });

  it('lets a call say what 404 means and answers allowed statuses', async () => {
    const { fetch } = stub(404, '');
    expect((await providerError(client(fetch).call('PUT', '/ask', {}, { notFound: 'capacity' }))).kind).toBe('capacity');
    expect(await client(fetch).request('GET', '/gone', { allow: [404] })).toEqual({ status: 404, body: undefined });
  });

  it('lets the provider hook override the common classification', async () => {
    const { fetch } = stub(400, '{"detail":"no capacity here"}');
    const c = client(fetch, {
      detail: (b) => (b as { detail?: string }).detail,
      classify: (f) => (/no capacity/.test(f.message) ? { kind: 'capacity' } : undefined),
    });
    expect((await providerError(c.call('GET', '/x'))).kind).toBe('capacity');
  });

  it('calls no answer at all transient, with status 0', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof globalThis.fetch;
    expect(await providerError(client(fetch).call('GET', '/x'))).toMatchObject({
      kind: 'transient',
      status: 0,
      message: 'demo GET /x: fetch failed',
    });
  });
});
