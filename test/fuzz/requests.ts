// fast-check arbitraries for hostile HTTP requests: real routes with broken bodies and
// odd ids, random paths, wrong methods, bad and foreign credentials, wrong content types.
import fc from 'fast-check';

export interface FuzzContext {
  keys: { tenant: string; readOnly: string; admin: string; revoked: string; other: string };
  jobId: string;
  otherJobId: string;
  tenantId: string;
  keyId: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Routes that need the outside world (a chain, Stripe) or payout targets local mode lacks: reached, never 2xx here. */
export const NO_LOCAL_SUCCESS = new Set(['POST /v1/payments/usdc', 'POST /v1/webhooks/stripe', 'GET /v1/admin/billing/payouts/usdc', 'POST /v1/admin/billing/runs']);

/** Each route the API serves, as [method, template]; {x} is a path parameter. */
export const ROUTES = [
  ['POST', '/v1/jobs'],
  ['GET', '/v1/jobs'],
  ['GET', '/v1/jobs/{id}'],
  ['POST', '/v1/jobs/{id}/cancel'],
  ['GET', '/v1/jobs/{id}/events'],
  ['GET', '/v1/providers'],
  ['GET', '/v1/webhook-secret'],
  ['POST', '/v1/webhook-secret/rotate'],
  ['POST', '/v1/tenants'],
  ['GET', '/v1/tenants/{id}'],
  ['POST', '/v1/tenants/{id}/keys'],
  ['GET', '/v1/tenants/{id}/keys'],
  ['DELETE', '/v1/keys/{keyId}'],
  ['GET', '/v1/audit'],
  ['GET', '/v1/balance'],
  ['GET', '/v1/usage'],
  ['GET', '/v1/ledger'],
  ['POST', '/v1/quotes'],
  ['POST', '/v1/payments/usdc'],
  ['GET', '/v1/admin/ledger/trial-balance'],
  ['PUT', '/v1/admin/billing/tenants/{tenantId}'],
  ['GET', '/v1/admin/billing/providers/{provider}/statement'],
  ['GET', '/v1/admin/billing/payouts/usdc'],
  ['POST', '/v1/admin/billing/runs'],
  ['POST', '/v1/webhooks/stripe'],
  ['GET', '/health'],
  ['GET', '/openapi.json'],
  ['GET', '/docs'],
] as const;

export const routeOf = (method: string, path: string): string | undefined => {
  const clean = path.split('?')[0]!;
  for (const [m, template] of ROUTES) {
    const pattern = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (m === (method === 'HEAD' ? 'GET' : method) && pattern.test(clean)) return `${m} ${template}`;
  }
  return undefined;
};

/** Lone surrogates cannot be put in a URL; replace them as a browser would. */
const wellFormed = (s: string): string => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** Present in `percent` % of samples, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary: arb });

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom('', ' ', '\u0000', '../..', '%zz', '%00', '💥', 'null', '0', '-1', '1e309', '__proto__', 'constructor', "'; DROP TABLE --", '<script>') },
  // Huge strings are rare: each is a request in itself, and 64 KiB bodies are covered below.
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 8000 }).map((n) => 'x'.repeat(n)) },
);

/** Path segment: mostly plausible ids, sometimes hostile. Never a lone surrogate (no URL can hold one). */
const segment = (ctx: FuzzContext) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(ctx.jobId) },
    { weight: 4, arbitrary: fc.constantFrom(ctx.otherJobId, ctx.tenantId, ctx.keyId, 'job_000000000000000000000000', 'aaaaaaaaaaaaaaaa', 'operator', 'local') },
    { weight: 2, arbitrary: text.map((s) => encodeURIComponent(wellFormed(s))) },
    { weight: 2, arbitrary: text.map((s) => wellFormed(s).replaceAll('/', '').replaceAll('?', '').replaceAll('#', '')) },
  );

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('limit', 'cursor', 'status', 'tenantId', 'from', 'to', 'month', 'x', '__proto__', 'limit[]'),
      fc.oneof(text, fc.constantFrom('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-11', '1', '100', '101', '0', '-5', 'abc', 'queued', 'running', 'eyJ4IjoxfQ', 'eyJnc2kxcGsiOiJURU5BTlQjbG9jYWwiLCJhIjoiMSIsImIiOiIyIiwiYyI6IjMifQ')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${encodeURIComponent(wellFormed(v))}`).join('&') : ''));

/** The id a route's parameter means, so that half the requests reach past "not found". */
const plausibleId = (ctx: FuzzContext, template: string): string =>
  template.startsWith('/v1/tenants') || template.startsWith('/v1/admin/billing/tenants')
    ? ctx.tenantId
    : template.startsWith('/v1/keys')
      ? ctx.keyId
      : template.includes('{provider}')
        ? 'local'
        : ctx.jobId;

// The static documents cost CPU, not input handling: a few of them are enough.
const STATIC = new Set(['/health', '/openapi.json', '/docs']);

const routePath = (ctx: FuzzContext) =>
  fc
    .tuple(
      fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(...ROUTES.filter(([, t]) => STATIC.has(t))) },
        { weight: 25, arbitrary: fc.constantFrom(...ROUTES.filter(([, t]) => !STATIC.has(t))) },
      ),
      segment(ctx),
      fc.boolean(),
      query,
    )
    .map(([[method, template], seg, plausible, q]) => ({
      method: method as string,
      template: template as string,
      path: template.replace(/\{[^}]+\}/, plausible ? plausibleId(ctx, template) : seg) + q,
    }));

const randomPath = (ctx: FuzzContext) =>
  fc.tuple(fc.array(segment(ctx), { minLength: 0, maxLength: 5 }), fc.constantFrom('', '/v1', '/v1/jobs', '/v2', '/v1/tenants', '/v1/keys'), query).map(([segs, prefix, q]) => ({
    method: 'GET',
    template: '',
    path: `${prefix}/${segs.join('/')}${q}`.replace(/^\/\//, '/'),
  }));

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PURGE'];

const validJob = (): Record<string, unknown> => ({
  image: 'pytorch/pytorch:latest',
  command: ['python', 'train.py'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 60,
  maxPricePerGpuHourUsd: 3,
  placement: { strategy: 'cheapest', networks: ['local'], fallback: 'none' },
});

const JOB_FIELDS = ['image', 'command', 'env', 'resources', 'resources.gpu', 'resources.gpu.models', 'resources.gpu.count', 'resources.gpu.minVramGb', 'resources.cpu', 'maxDurationSeconds', 'maxPricePerGpuHourUsd', 'placement', 'placement.strategy', 'placement.networks', 'placement.fallback', 'webhookUrl', 'unknownField'];

const setPath = (obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> => {
  const parts = path.split('.');
  let at: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  if (value === undefined) delete at[parts.at(-1)!];
  // A copy: fast-check hands out the same [] and {} constants, and nesting one in itself is circular.
  else at[parts.at(-1)!] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  return obj;
};

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  text,
  fc.constantFrom(undefined, null, -1, 0, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, true, [], {}),
  fc.constantFrom('http://127.0.0.1/x', 'http://169.254.169.254/', 'https://[fd00:ec2::254]/', 'http://10.0.0.1/', 'https://93.184.216.34/hook', 'http://localhost:1/', 'ftp://x/', 'javascript:alert(1)', 'https://hooks.invalid/x'),
  fc.integer({ min: 90, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `a${i}`)),
  fc.integer({ min: 90, max: 150 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`V${i}`, 'x']))),
);

const jobBody = fc
  .array(fc.tuple(fc.constantFrom(...JOB_FIELDS), hostileValue), { maxLength: 3 })
  .map((edits) => JSON.stringify(edits.reduce((job, [path, value]) => setPath(job, path, value), validJob())));

const edited = (base: () => Record<string, unknown>, fields: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...fields), hostileValue), { maxLength: 2 })
    .map((edits) => JSON.stringify(edits.reduce((obj, [path, value]) => setPath(obj, path, value), base())));

const tenantBody = edited(() => ({ name: 'Fuzz tenant' }), ['name', 'id', 'key', 'key.scopes', 'key.expiresAt', 'key.name', 'extra']);
const keyBody = fc.oneof(
  edited(() => ({ scopes: ['jobs:read'] }), ['scopes', 'scopes.0', 'expiresAt', 'name', 'extra']),
  edited(() => ({ scopes: ['jobs:read'], expiresAt: '2099-01-01T00:00:00Z', name: 'ci' }), ['scopes', 'expiresAt', 'name']),
);

const anyBody = fc.oneof(
  { weight: 20, arbitrary: fc.oneof(jobBody, tenantBody, keyBody) },
  { weight: 20, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 10, arbitrary: text },
  { weight: 10, arbitrary: fc.constantFrom('{', '{"image": ', '[', 'nul', '{"a":1}{"b":2}', '\uFEFF{}', '{"__proto__":{"admin":true}}', '"\\ud800"', '1e99999') },
  { weight: 3, arbitrary: fc.integer({ min: 65_000, max: 70_000 }).map((n) => JSON.stringify({ ...validJob(), image: 'x'.repeat(n) })) },
);

const billingBody = edited(() => ({ mode: 'invoice', monthlyBudgetMicroUsd: 100_000_000 }), ['mode', 'monthlyBudgetMicroUsd', 'pricing', 'pricing.marginBps', 'email', 'daysUntilDue', 'wallets', 'wallets.solana', 'extra']);
const billingRunBody = edited(() => ({ period: '2026-01' }), ['period', 'extra']);
const paymentBody = edited(() => ({ chain: 'solana', tx: '5'.repeat(88) }), ['chain', 'tx', 'extra']);

const rotationBody = edited(() => ({ overlapSeconds: 3600 }), ['overlapSeconds', 'extra']);

const MEANT: Record<string, fc.Arbitrary<string>> = {
  '/v1/webhook-secret/rotate': rotationBody,
  '/v1/jobs': jobBody,
  '/v1/quotes': jobBody,
  '/v1/tenants': tenantBody,
  '/v1/tenants/{id}/keys': keyBody,
  '/v1/admin/billing/tenants/{tenantId}': billingBody,
  '/v1/payments/usdc': paymentBody,
  '/v1/admin/billing/runs': billingRunBody,
};

/** Mostly a body meant for the route (then broken a little), sometimes anything at all. */
const bodyFor = (template: string) => {
  const meant = MEANT[template] ?? anyBody;
  return fc.oneof({ weight: 3, arbitrary: meant }, { weight: 1, arbitrary: anyBody });
};

/** Header values must be ByteStrings (latin-1); anything else is refused by fetch before it reaches us. */
const latin1 = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\xff]/g, ''));

const auth = (ctx: FuzzContext) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(`Bearer ${ctx.keys.tenant}`) },
    { weight: 7, arbitrary: fc.constant(`Bearer ${ctx.keys.admin}`) },
    { weight: 4, arbitrary: fc.constantFrom(ctx.keys.readOnly, ctx.keys.other, ctx.keys.revoked).map((k) => `Bearer ${k}`) },
    { weight: 3, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer sy_live_', `Bearer ${ctx.keys.tenant}x`, `Bearer ${ctx.keys.tenant.slice(0, -1)}A`, `Bearer  ${ctx.keys.tenant}`, `Bearer ${'a'.repeat(5000)}`, `Bearer sy_live_${ctx.keyId}_${'A'.repeat(43)}`) },
    { weight: 1, arbitrary: latin1.map((s) => `Bearer ${s}`) },
  );

export const requestArbitrary = (ctx: FuzzContext): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      target: fc.oneof({ weight: 6, arbitrary: routePath(ctx) }, { weight: 1, arbitrary: randomPath(ctx) }),
      wrongMethod: sometimes(fc.constantFrom(...METHODS), 12),
      auth: sometimes(auth(ctx), 95),
      // Mostly JSON, so bodies get past the media-type check and into validation.
      contentType: sometimes(fc.oneof({ weight: 2, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'garbage') }), 85),
      idempotencyKey: sometimes(fc.oneof(latin1, fc.constantFrom('same', 'k'.repeat(300))), 30),
      extra: sometimes(fc.tuple(fc.constantFrom('x-forwarded-for', 'content-length', 'transfer-encoding', 'x-tenant-id', 'host', 'stripe-signature'), fc.oneof(latin1, fc.constant('t=1,v1=00'))), 15),
    })
    .chain((r) => sometimes(bodyFor(r.target.template), 90).map((body) => ({ ...r, body })))
    .map((r) => {
      const method = r.wrongMethod ?? r.target.method;
      const headers: Record<string, string> = {};
      if (r.auth !== null) headers.authorization = r.auth;
      if (r.contentType !== null) headers['content-type'] = r.contentType;
      if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey;
      // Content-Length and Transfer-Encoding are computed by fetch; lying about them is a transport matter.
      if (r.extra !== null && !['content-length', 'transfer-encoding', 'host'].includes(r.extra[0])) headers[r.extra[0]] = r.extra[1];
      const canHaveBody = method !== 'GET' && method !== 'HEAD';
      return { method, path: r.target.path, headers, ...(canHaveBody && r.body !== null ? { body: r.body } : {}) };
    });
