// Bearer API-key authentication. Every route but /health, /openapi.json and /docs needs
// a key; the key decides the tenant every read and write is scoped to.
import type { MiddlewareHandler } from 'hono';
import { parseApiKey, secretMatches, type Scope } from '../core/api-keys.js';
import type { TenantStore } from '../core/ports.js';
import type { ApiEnv } from './context.js';
import { problem } from './problem.js';

const unauthorized = (c: Parameters<MiddlewareHandler>[0], detail: string) =>
  problem(c, 401, 'unauthorized', 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer realm="switchyard"' });

export const requireApiKey = (tenants: TenantStore): MiddlewareHandler<ApiEnv> => async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) return unauthorized(c, 'Send your API key as "Authorization: Bearer sy_live_…".');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const parsed = match ? parseApiKey(match[1]!) : undefined;
  if (!parsed) return unauthorized(c, 'The Authorization header does not hold a Switchyard API key.');
  const record = await tenants.getKey(parsed.keyId);
  if (!record || record.revokedAt || !secretMatches(parsed.secret, record.secretHash)) {
    return unauthorized(c, 'The API key is not valid or has been revoked.');
  }
  c.set('tenantId', record.tenantId);
  c.set('scopes', record.scopes);
  c.set('keyId', record.keyId);
  await next();
};

export const requireScope = (scope: Scope): MiddlewareHandler<ApiEnv> => async (c, next) => {
  const scopes = c.get('scopes');
  if (!scopes.includes(scope) && !scopes.includes('admin')) {
    return problem(c, 403, 'forbidden', 'Forbidden', `This API key lacks the "${scope}" scope.`);
  }
  await next();
};
