// Bearer API-key authentication. Every route but /health, /openapi.json and /docs needs
// a key; the key decides the tenant every read and write is scoped to.
import type { MiddlewareHandler } from 'hono';
import { keyIsActive, parseApiKey, sameSecret, secretMatches, type Scope } from '../core/api-keys.js';
import type { Clock, TenantStore } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import type { ApiEnv } from './context.js';
import { problem } from './problem.js';

/** The tenant admin keys belong to; jobs an admin key submits are the operator's own. */
export const OPERATOR_TENANT = 'operator';
/** keyId recorded (audit, rate limit) for the operator key held in Secrets Manager. */
export const SECRET_ADMIN_KEY_ID = 'admin-secret';

const unauthorized = (c: Parameters<MiddlewareHandler>[0], detail: string) =>
  problem(c, 401, 'unauthorized', 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer realm="switchyard"' });

export interface AuthOptions {
  clock?: Clock;
  /** AWS: the operator key from Secrets Manager (cached); any string, compared in constant time. */
  adminKey?: () => Promise<string | undefined>;
}

export const requireApiKey =
  (tenants: TenantStore, options: AuthOptions = {}): MiddlewareHandler<ApiEnv> =>
  async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) return unauthorized(c, 'Send your API key as "Authorization: Bearer sy_live_…".');
    const token = /^Bearer[ \t]+(\S{1,512})$/i.exec(header)?.[1];
    if (token && options.adminKey) {
      const expected = await options.adminKey();
      if (expected && sameSecret(token, expected)) {
        c.set('tenantId', OPERATOR_TENANT);
        c.set('scopes', ['admin']);
        c.set('keyId', SECRET_ADMIN_KEY_ID);
        return next();
      }
    }
    const parsed = token ? parseApiKey(token) : undefined;
    if (!parsed) return unauthorized(c, 'The Authorization header does not hold a Switchyard API key.');
    const record = await tenants.getKey(parsed.keyId);
    // One answer for unknown, wrong, revoked and expired keys: nothing to learn by probing.
    if (!record || !secretMatches(parsed.secret, record.secretHash) || !keyIsActive(record, (options.clock ?? systemClock).now())) {
      return unauthorized(c, 'The API key is not valid, has expired or has been revoked.');
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
