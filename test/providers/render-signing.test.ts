// Dispersed request signing. The expected signatures were computed once with the example
// client's own algorithm (dispersed.py generate_auth_headers: urlencode(sorted(query)),
// json.dumps(sort_keys, separators=(',', ':'), ensure_ascii=True), HMAC-SHA256) in Python
// 3.11, so these check the adapter against an independent implementation, not itself.
import { describe, expect, it } from 'vitest';
import { canonicalBodyOf, canonicalQueryOf, SignatureChecker } from '../../src/market/render-signature.js';
import { canonicalJson, canonicalQuery, canonicalString, EMPTY_BODY_SHA256, sha256Hex, signature, signingFetch } from '../../src/providers/render/signing.js';

const base = { publicKey: 'pk_abc123', secretKey: 'sk_test_secret', timestamp: '1706918400000', nonce: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' };

describe('Dispersed request signing (FACTS.md, Request signing)', () => {
  it("builds AUTH's worked example canonical string: seven fields joined by |", () => {
    const s = canonicalString({ ...base, nonce: 'a1b2c3d4e5f6a7b8', method: 'get', pathname: '/v1/jobs', query: canonicalQuery([['page', '1'], ['limit', '10']]) });
    expect(s).toBe(`pk_abc123|1706918400000|a1b2c3d4e5f6a7b8|GET|/v1/jobs|limit=10&page=1|${EMPTY_BODY_SHA256}`);
    expect(sha256Hex('')).toBe(EMPTY_BODY_SHA256);
  });

  it("sorts query keys, and a repeated key's values, as AUTH's examples show; brackets and spaces form-encoded as EX does", () => {
    expect(canonicalQuery([['z', '3'], ['a', '1'], ['b', '2']])).toBe('a=1&b=2&z=3');
    expect(canonicalQuery([['tag', 'zebra'], ['tag', 'apple']])).toBe('tag=apple&tag=zebra');
    expect(canonicalQuery([['filter[job_uuid]', '5f0c/x y'], ['limit', '10']])).toBe('filter%5Bjob_uuid%5D=5f0c%2Fx+y&limit=10');
    expect(canonicalQuery([['k', "a~b*c!'()"]])).toBe("k=a~b%2Ac%21%27%28%29");
    expect(canonicalQuery([])).toBe('');
  });

  it('re-serialises JSON bodies sorted at every depth, compact and ASCII-safe; arrays keep their order', () => {
    const body = { title: 'h\u00e9llo \u2603', b: [2, 1], a: { z: 1, y: null, x: true } };
    expect(canonicalJson(body)).toBe('{"a":{"x":true,"y":null,"z":1},"b":[2,1],"title":"h\\u00e9llo \\u2603"}');
    expect(canonicalJson({ d: '\u007f\u0001\t', e: '\u{1F600}' })).toBe('{"d":"\\u007f\\u0001\\t","e":"\\ud83d\\ude00"}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });

  it("matches the example client's signatures byte for byte", () => {
    expect(signature({ ...base, method: 'GET', pathname: '/v1/jobs', query: canonicalQuery([['page', '1'], ['limit', '10']]) })).toBe(
      '1aedad787d8765bf03abe5a1fe9daa24c9d58becabd92aaaa853a01fb4bc7a02',
    );
    expect(
      signature({ ...base, method: 'GET', pathname: '/v1/job-runs', query: canonicalQuery([['filter[job_uuid]', '5f0c/x y'], ['limit', '10']]) }),
    ).toBe('b488878e5cb2fab635fd18ed833c07311104104b1ded0233f34bbcb05871470d');
    const body = canonicalJson({ title: 'h\u00e9llo \u2603', b: [2, 1], a: { z: 1, y: null, x: true } });
    expect(sha256Hex(body)).toBe('c7816cb0568a468173e6a899e4075b60b3dab054ea7ff9806dc43c593b1d4701');
    expect(signature({ ...base, method: 'POST', pathname: '/v1/jobs', query: '', body })).toBe(
      'e4fea3224b9fb615c7a16f2423923d106817c489895ed62c330f2b0f460bf6ee',
    );
  });

  it("the fake's independent canonicalisation agrees with the adapter's", () => {
    const body = { z: [{ b: 1, a: '\u00fc' }], a: 'x"y\\z\n' };
    expect(canonicalBodyOf(body)).toBe(canonicalJson(body));
    const q = new URLSearchParams([['filter[status]', 'PENDING,RUNNING'], ['limit', '50'], ['sort', '-created_at'], ['x', 'a b~*']]);
    expect(canonicalQueryOf(q)).toBe(canonicalQuery(q.entries()));
  });

  it('signs what it sends: four headers, a fresh 32-hex nonce each time, the canonical body as the payload', async () => {
    const sent: Array<{ url: string; headers: Headers; body?: string }> = [];
    const capture = (async (url: string, init: RequestInit) => {
      sent.push({ url, headers: new Headers(init.headers), ...(typeof init.body === 'string' ? { body: init.body } : {}) });
      return new Response('{}');
    }) as typeof fetch;
    const f = signingFetch({ publicKey: 'pk_k', secretKey: 'sk_s', now: () => 1_700_000_000_123 }, capture);
    await f('http://h/v1/jobs', { method: 'POST', body: '{ "b": 1, "a": [2, 1] }', headers: { 'content-type': 'application/json' } });
    await f('http://h/v1/jobs?limit=5&page=2');
    const [post, get] = sent;
    expect(post!.body).toBe('{"a":[2,1],"b":1}');
    expect(post!.headers.get('x-api-key')).toBe('pk_k');
    expect(post!.headers.get('x-time')).toBe('1700000000123');
    expect(post!.headers.get('x-nonce')).toMatch(/^[0-9a-f]{32}$/);
    expect(get!.headers.get('x-nonce')).not.toBe(post!.headers.get('x-nonce'));
    expect(post!.headers.get('x-signature')).toBe(
      signature({ publicKey: 'pk_k', secretKey: 'sk_s', timestamp: '1700000000123', nonce: post!.headers.get('x-nonce')!, method: 'POST', pathname: '/v1/jobs', query: '', body: '{"a":[2,1],"b":1}' }),
    );
    // The fake accepts exactly these requests, and refuses a replay of the same nonce.
    const checker = new SignatureChecker({ publicKey: 'pk_k', secretKey: 'sk_s', skewMs: 300_000, now: () => 1_700_000_000_123 });
    const asReceived = (s: (typeof sent)[number], method: string) => {
      const url = new URL(s.url);
      return { method, path: url.pathname, query: url.searchParams, headers: Object.fromEntries(s.headers.entries()), body: s.body ? JSON.parse(s.body) : undefined };
    };
    expect(checker.check(asReceived(post!, 'POST'))).toBeUndefined();
    expect(checker.check(asReceived(get!, 'GET'))).toBeUndefined();
    expect(checker.check(asReceived(get!, 'GET'))).toBe('nonce already used');
    expect(checker.check({ ...asReceived(post!, 'POST'), body: { a: [1, 2], b: 1 } })).toBe('signature mismatch');
  });
});
