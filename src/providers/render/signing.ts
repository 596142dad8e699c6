// Dispersed request signing (../shared/provider-specs/render-dispersed/FACTS.md, "Request
// signing", from the AUTH page and the example client dispersed.py):
//   X-API-Key = public key; X-Time = Unix ms; X-Nonce = 16 random bytes as 32 hex chars;
//   X-Signature = lowercase hex HMAC-SHA256(secret key's UTF-8 bytes, canonical string), where
//   canonical = publicKey|timestamp|nonce|METHOD|pathname|canonicalQuery|sha256(canonicalBody)
// The query is form-encoded as Python's urlencode does (brackets become %5B/%5D, space +),
// keys sorted, a repeated key's values sorted; the JSON body is re-serialised with keys sorted
// at every depth, compact, non-ASCII escaped as \uXXXX; that canonical text is also what is
// sent, so the server hashes exactly the bytes it receives (as dispersed.py does).
// The nonce follows AUTH's table and EX (16 bytes); KEYS' node-operator page says "32-byte
// hex string", and AUTH's own worked example shows only 16 hex characters (FACTS.md).
// Numbers are written as JSON.stringify writes them; Python differs only for floats such
// as 1e-07, which no body this adapter sends contains (all its numbers are integers).
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** SHA-256 of the empty string: the body hash of a request with no body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys); // arrays keep their order
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('NaN and Infinity cannot be signed');
  return value;
};

/** Sorted keys, compact, ASCII-safe: Python's json.dumps(sort_keys, separators=(',', ':'), ensure_ascii). */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(sortKeys(value)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Python's quote_plus: unreserved `A-Za-z0-9_.-~` kept, space as `+`, everything else %XX (UTF-8). */
export const formEncode = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** The canonical query string: keys sorted, each key's values sorted, form-encoded, no `?`. */
export const canonicalQuery = (params: Iterable<[string, string]>): string => {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of params) byKey.set(k, [...(byKey.get(k) ?? []), v]);
  return [...byKey.keys()]
    .sort()
    .flatMap((k) => byKey.get(k)!.sort().map((v) => `${formEncode(k)}=${formEncode(v)}`))
    .join('&');
};

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface SignInput {
  publicKey: string;
  secretKey: string;
  timestamp: string;
  nonce: string;
  method: string;
  pathname: string;
  query: string;
  /** The canonical body text; undefined for no body. */
  body?: string;
}

export const canonicalString = (i: Omit<SignInput, 'secretKey'>): string =>
  [i.publicKey, i.timestamp, i.nonce, i.method.toUpperCase(), i.pathname, i.query, i.body === undefined ? EMPTY_BODY_SHA256 : sha256Hex(i.body)].join('|');

export const signature = (i: SignInput): string =>
  createHmac('sha256', Buffer.from(i.secretKey, 'utf8')).update(canonicalString(i), 'utf8').digest('hex');

export interface SigningKeys {
  publicKey: string;
  secretKey: string;
  /** Clock for X-Time; default Date.now. */
  now?: () => number;
}

/**
 * A fetch that signs each request as Dispersed requires and sends the canonical body, so
 * the shared HTTP client (which serialises bodies and sets the query) stays unchanged.
 */
export const signingFetch =
  (keys: SigningKeys, inner: typeof fetch = fetch): typeof fetch =>
  async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const raw = typeof init.body === 'string' ? init.body : undefined;
    if (init.body !== undefined && init.body !== null && raw === undefined) throw new Error('render: only JSON text bodies can be signed');
    const body = raw === undefined || raw === '' ? undefined : canonicalJson(JSON.parse(raw));
    const timestamp = String((keys.now ?? Date.now)());
    const nonce = randomBytes(16).toString('hex');
    const x = signature({
      ...keys,
      timestamp,
      nonce,
      method,
      pathname: url.pathname,
      query: canonicalQuery(url.searchParams.entries()),
      ...(body === undefined ? {} : { body }),
    });
    const headers = new Headers(init.headers);
    headers.set('x-api-key', keys.publicKey);
    headers.set('x-time', timestamp);
    headers.set('x-nonce', nonce);
    headers.set('x-signature', x);
    return inner(url.href, { ...init, method, headers, ...(body === undefined ? {} : { body }) });
  };
