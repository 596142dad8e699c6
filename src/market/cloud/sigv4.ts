// Verifies AWS Signature Version 4 on requests to the fake AWS endpoints, so a wrong
// secret key fails here as it does at AWS instead of passing silently.
// Follows https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// (canonical request → string to sign → HMAC chain "AWS4"+secret/date/region/service).
// Simplification: the canonical URI is the path as received, which is exact for the
// plain ASCII paths the Batch API uses (/v1/submitjob, …) but not for every service.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string }
  | { ok: false; errorType: string; message: string };

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const headerValue = (headers: IncomingHttpHeaders, name: string): string => {
  const v = headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
};

export const verifySigV4 = (
  req: SignedRequest,
  secrets: ReadonlyMap<string, string>,
  region: string,
  service: string,
): SigV4Result => {
  const auth = headerValue(req.headers, 'authorization');
  if (!auth) return { ok: false, errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const m = AUTH_RE.exec(auth);
  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (!m || !amzDate) {
    return { ok: false, errorType: 'IncompleteSignatureException', message: 'Authorization header is not a valid SigV4 signature' };
  }
  const [, accessKeyId, date, scopeRegion, scopeService, signedHeaders, signature] = m as unknown as string[];
  const secret = secrets.get(accessKeyId!);
  if (secret === undefined) {
    return { ok: false, errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (scopeRegion !== region || scopeService !== service) {
    return { ok: false, errorType: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service ${service}.` };
  }
  const names = signedHeaders!.split(';');
  const canonicalQuery = [...req.query.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    req.method,
    req.path,
    canonicalQuery,
    names.map((n) => `${n}:${headerValue(req.headers, n)}\n`).join(''),
    signedHeaders,
    headerValue(req.headers, 'x-amz-content-sha256') || sha256(req.body),
  ].join('\n');
  const scope = `${date}/${scopeRegion}/${scopeService}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, date!);
  for (const part of [scopeRegion!, scopeService!, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      errorType: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ok: true, accessKeyId: accessKeyId! };
};
