// The fake Dispersed API's request check: the HMAC-SHA256 scheme of FACTS.md ("Request
// signing"), computed here independently of the adapter's code, from what arrived:
//   canonical = X-API-Key|X-Time|X-Nonce|METHOD|pathname|query|sha256(body)
// query: the received parameters decoded, keys sorted, each key's values sorted, each
// re-encoded as Python's urlencode does (what dispersed.py produces); body: the received
// JSON parsed and re-serialised with sorted keys, compact, non-ASCII as \uXXXX.
// Assumed (UNCONFIRMED in FACTS.md): a ±5 minute window for X-Time, a nonce seen inside that
// window is a replay, and every refusal is a 401.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const UNRESERVED = /[A-Za-z0-9_.~-]/;

/** Python's quote_plus, byte by byte over UTF-8. */
const quotePlus = (s: string): string => {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

export const canonicalQueryOf = (params: URLSearchParams): string => {
  const pairs = [...params.entries()];
  const keys = [...new Set(pairs.map(([k]) => k))].sort();
  return keys
    .flatMap((k) =>
      pairs
        .filter(([key]) => key === k)
        .map(([, v]) => v)
        .sort()
        .map((v) => `${quotePlus(k)}=${quotePlus(v)}`),
    )
    .join('&');
};

const escapeString = (s: string): string => {
  let out = '"';
  for (let i = 0; i < s.length; i += 1) {
    const code = s.charCodeAt(i);
    const c = s[i]!;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
};

/** Canonical JSON text: sorted keys at every depth, no whitespace, ASCII only. */
export const canonicalBodyOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalBodyOf).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${escapeString(k)}:${canonicalBodyOf(o[k])}`)
      .join(',')}}`;
  }
  if (typeof value === 'string') return escapeString(value);
  return String(value); // numbers and booleans as JSON writes them
};

export interface SignatureCheckOptions {
  publicKey: string;
  secretKey: string;
  skewMs: number;
  now: () => number;
}

/** Checks a request's four headers; returns why it is refused, or undefined when accepted. */
export class SignatureChecker {
  private readonly seen = new Map<string, number>();

  constructor(private readonly o: SignatureCheckOptions) {}

  check(req: { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers']; body: unknown }): string | undefined {
    const h = (name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const key = h('x-api-key');
    const time = h('x-time');
    const nonce = h('x-nonce');
    const sig = h('x-signature');
    if (!key || !time || !nonce || !sig) return 'X-API-Key, X-Time, X-Nonce and X-Signature are required';
    if (key !== this.o.publicKey) return 'unknown API key';
    if (!/^\d+$/.test(time) || Math.abs(this.o.now() - Number(time)) > this.o.skewMs) return 'X-Time is not within the allowed window';
    if (!/^[0-9a-f]{32}$/i.test(nonce)) return 'X-Nonce must be 16 random bytes as 32 hex characters';
    if (!/^[0-9a-f]{64}$/.test(sig)) return 'X-Signature must be 64 lowercase hex characters';
    if (req.body && typeof req.body === 'object' && '__invalidJson' in req.body) return 'the body is not JSON';
    const bodyHash = createHash('sha256')
      .update(req.body === undefined ? '' : canonicalBodyOf(req.body), 'utf8')
      .digest('hex');
    const canonical = [key, time, nonce, req.method.toUpperCase(), req.path, canonicalQueryOf(req.query), bodyHash].join('|');
    const want = createHmac('sha256', Buffer.from(this.o.secretKey, 'utf8')).update(canonical, 'utf8').digest();
    if (!timingSafeEqual(want, Buffer.from(sig, 'hex'))) return 'signature mismatch';
    this.prune();
    if (this.seen.has(nonce)) return 'nonce already used';
    this.seen.set(nonce, Number(time));
    return undefined;
  }

  private prune(): void {
    const oldest = this.o.now() - 2 * this.o.skewMs;
    for (const [nonce, at] of this.seen) if (at < oldest) this.seen.delete(nonce);
  }
}
