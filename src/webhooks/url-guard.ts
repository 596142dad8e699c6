// Checks a webhook URL the way it will be used: parsed, then resolved through DNS, and
// every address it resolves to checked against the policy. The sender connects to the
// addresses checked here (never resolving again), so DNS cannot change between the check
// and the connection (DNS rebinding).
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressProblem, type WebhookPolicy } from './address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all of its addresses (node's resolver by default). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export type UrlCheck = { ok: true; url: URL; addresses: ResolvedAddress[] } | { ok: false; reason: string };

const RESOLVE_TIMEOUT_MS = 3000;

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('DNS lookup timed out')), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });

export const checkWebhookUrl = async (raw: string, policy: WebhookPolicy, resolve: Resolver = systemResolver): Promise<UrlCheck> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return { ok: false, reason: policy.allowHttp ? 'must use http or https' : 'must use https' };
  }
  // Credentials in the URL would be sent to whoever answers, and logged with the URL.
  if (url.username || url.password) return { ok: false, reason: 'must not contain credentials' };
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await withTimeout(resolve(host), RESOLVE_TIMEOUT_MS);
    } catch {
      return { ok: false, reason: `host "${host}" does not resolve` };
    }
    if (addresses.length === 0) return { ok: false, reason: `host "${host}" does not resolve` };
  }
  // Every address must pass: a name with one public and one private record is refused.
  for (const a of addresses) {
    const problem = addressProblem(a.address, policy);
    if (problem) return { ok: false, reason: `resolves to a forbidden address (${problem})` };
  }
  return { ok: true, url, addresses };
};
