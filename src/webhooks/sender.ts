// Sends one signed webhook request. It connects only to addresses the URL guard checked
// (a pinned lookup, so DNS is not asked again), never follows redirects (a redirect could
// point anywhere, including the metadata service), and gives up after a timeout.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './url-guard.js';

export type SendOutcome =
  | { kind: 'delivered'; status: number }
  /** Worth another try later: network errors, timeouts, 5xx, 429, other 4xx. */
  | { kind: 'retry'; error: string }
  /** Another try would fail the same way. */
  | { kind: 'permanent'; error: string };

export interface SendRequest {
  url: URL;
  addresses: ResolvedAddress[];
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

const pinnedLookup =
  (addresses: ResolvedAddress[]): LookupFunction =>
  (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
      return;
    }
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  };

/** Enough of a response body to explain a failure in the delivery record. */
const MAX_ERROR_BODY = 200;

export const sendWebhook = (req: SendRequest): Promise<SendOutcome> =>
  new Promise((resolve) => {
    const client = req.url.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      req.url,
      {
        method: 'POST',
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
        lookup: pinnedLookup(req.addresses),
        // A fresh connection per delivery: a pooled socket could have been opened to another address.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_ERROR_BODY) text += chunk;
        });
        res.on('error', () => done({ kind: 'retry', error: 'response aborted' }));
        res.on('end', () => {
          if (status >= 200 && status < 300) return done({ kind: 'delivered', status });
          if (status >= 300 && status < 400) {
            const location = String(res.headers.location ?? '').slice(0, 300);
            return done({ kind: 'permanent', error: `redirect ${status} not followed (location: ${location || 'none'})` });
          }
          done({ kind: 'retry', error: `HTTP ${status}: ${text.slice(0, MAX_ERROR_BODY).replace(/\s+/g, ' ')}` });
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${req.timeoutMs} ms`));
    }, req.timeoutMs);
    request.on('error', (error) => done({ kind: 'retry', error: error.message }));
    request.end(req.body);
  });
