// The admin API: tenants, their API keys, and the audit trail. Every route needs the
// `admin` scope (the operator key); every change is recorded as an audit event in the
// same transaction as the change itself.
import { randomBytes } from 'node:crypto';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { generateApiKey, KEY_ID_PATTERN, KEY_PREFIX, newTenantId, SCOPES } from '../../core/api-keys.js';
import { ConflictError, type ApiKeyRecord, type AuditEvent } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { problem, validationProblem } from '../problem.js';
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemOf, problemResponse } from '../openapi-responses.js';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ADMIN_PATH = /^\/v1\/(tenants|keys|audit)(\/|$)/;

const KeyRequest = z
  .object({
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).openapi({ description: 'What the key may do: jobs:read, jobs:write, billing:read; admin only for the operator tenant.', example: ['jobs:read', 'jobs:write'] }),
    expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The key stops working at this time (end of a rotation overlap).' }),
    name: z.string().min(1).max(100).optional().openapi({ description: 'A label to recognise the key by.', example: 'ci' }),
  })
  .strict()
  .openapi('KeyRequest', { description: 'An API key to create.' });

const TenantRequest = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ description: "The customer's display name.", example: 'Acme ML' }),
    id: z.string().regex(TENANT_ID, 'lowercase letters, digits, "-" and "_", up to 64').optional().openapi({ description: 'The tenant id to use (lowercase letters, digits, "-" and "_"); generated when absent.', example: 'acme' }),
    key: KeyRequest.optional().openapi({ description: 'Also create a first API key (shown once).' }),
  })
  .strict()
  .openapi('TenantRequest', { description: 'A tenant to create.' });

const TenantSchema = z
  .object({
    id: z.string().openapi({ description: 'The tenant id.', example: 'acme' }),
    name: z.string().openapi({ description: 'Display name.', example: 'Acme ML' }),
    createdAt: z.string().openapi({ description: 'When it was created (ISO 8601).', example: '2026-12-02T09:00:00.000Z' }),
  })
  .openapi('Tenant', { description: 'A customer account; every job, key and ledger account belongs to one.' });
const KeySchema = z
  .object({
    id: z.string().openapi({ description: 'The key id (the public middle part of the key).', example: 'k7f3a9c2e1b4d8a0' }),
    tenantId: z.string().openapi({ description: 'The tenant the key acts for.', example: 'acme' }),
    prefix: z.string().openapi({ description: 'The public part of the key, to recognise it' }),
    scopes: z.array(z.string()).openapi({ description: 'What the key may do.', example: ['jobs:read', 'jobs:write'] }),
    createdAt: z.string().openapi({ description: 'When it was created (ISO 8601).' }),
    expiresAt: z.string().optional().openapi({ description: 'When it stops working, if it expires (ISO 8601).' }),
    revokedAt: z.string().optional().openapi({ description: 'When it was revoked (ISO 8601); absent while active.' }),
    name: z.string().optional().openapi({ description: 'Its label.' }),
  })
  .openapi('ApiKey', { description: 'An API key, without its secret.' });
const CreatedKeySchema = KeySchema.extend({ key: z.string().openapi({ description: 'The full key. Shown once; store it now.' }) }).openapi('CreatedApiKey', { description: 'A new API key with its secret, shown this once.' });
const AuditSchema = z
  .object({
    id: z.string().openapi({ description: 'The audit event id.', example: 'aud_0f1e2d3c4b5a69788796' }),
    at: z.string().openapi({ description: 'When it happened (ISO 8601).' }),
    action: z.string().openapi({ description: 'What happened: tenant.created, key.created, key.revoked, keys.listed, billing.terms.set, admin.denied…', example: 'key.created' }),
    actor: z
      .object({ tenantId: z.string().openapi({ description: "The acting key's tenant." }), keyId: z.string().openapi({ description: 'The acting key.' }) })
      .openapi({ description: 'Who did it.' }),
    tenantId: z.string().optional().openapi({ description: 'The tenant it was about.' }),
    keyId: z.string().optional().openapi({ description: 'The API key it was about.' }),
    details: z.record(z.string(), z.unknown()).optional().openapi({ description: 'What changed, by action.' }),
  })
  .openapi('AuditEvent', { description: 'One recorded admin change or refused admin attempt.' });

const TenantParams = z.object({ id: z.string().regex(TENANT_ID, 'not a tenant id').openapi({ param: { name: 'id', in: 'path', description: 'The tenant id.' }, example: 'acme' }) });
const KeyParams = z.object({ keyId: z.string().regex(KEY_ID_PATTERN, 'not a key id').openapi({ param: { name: 'keyId', in: 'path', description: 'The key id (16 characters).' }, example: 'k7f3a9c2e1b4d8a0' }) });
const AuditQuery = z.object({
  tenantId: z.string().regex(TENANT_ID).optional().openapi({ param: { name: 'tenantId', in: 'query', description: 'Only events about this tenant.' }, example: 'acme' }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ param: { name: 'limit', in: 'query', description: 'Events per page (default 50).' }, example: 50 }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query', description: 'nextCursor from the previous page.' } }),
});

const security = [{ bearerAuth: [] }];
const tags = ['Admin'];
const common = apiKeyProblems('admin');

const TENANT_EXAMPLE = { id: 'acme', name: 'Acme ML', createdAt: '2026-12-02T09:00:00.000Z' };
const KEY_EXAMPLE = {
  id: 'k7f3a9c2e1b4d8a0',
  tenantId: 'acme',
  prefix: 'sy_live_k7f3a9c2e1b4d8a0_',
  scopes: ['jobs:read', 'jobs:write'],
  createdAt: '2026-12-02T09:00:00.000Z',
  name: 'ci',
};
const CREATED_KEY_EXAMPLE = { ...KEY_EXAMPLE, key: 'sy_live_k7f3a9c2e1b4d8a0_3q9vYw2xZr8tLm5nPk4sHd7fGj6aB1cD2eF3gH4iJ5k' };

const AUDIT_EXAMPLE = {
  id: 'aud_0f1e2d3c4b5a69788796',
  at: '2026-12-02T09:00:00.000Z',
  action: 'key.created',
  actor: { tenantId: 'operator', keyId: 'admin-secret' },
  tenantId: 'acme',
  keyId: 'k7f3a9c2e1b4d8a0',
  details: { scopes: ['jobs:read', 'jobs:write'] },
};

const routes = {
  createTenant: createRoute({
    method: 'post', path: '/v1/tenants', operationId: 'createTenant', tags, summary: 'Create a tenant (admin)',
    description: 'A new customer account; with `key`, also its first API key (shown once).',
    security,
    request: { body: jsonBody(TenantRequest, { name: 'Acme ML', id: 'acme', key: { scopes: ['jobs:read', 'jobs:write'], name: 'ci' } }) },
    responses: {
      201: jsonResponse(z.object({ tenant: TenantSchema, key: CreatedKeySchema.optional().openapi({ description: 'The first key, when asked for; shown once.' }) }).openapi('CreatedTenant', { description: 'A new tenant and, when asked for, its first API key.' }), 'The tenant (and its first key)', { tenant: TENANT_EXAMPLE, key: CREATED_KEY_EXAMPLE }),
      400: problemOf(400, 'Invalid body'),
      409: problemResponse('Tenant id taken', 409, { type: 'https://switchyard.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'a tenant with id "acme" already exists', instance: '/v1/tenants' }),
      413: bodyTooLarge,
      ...common,
    },
  }),
  getTenant: createRoute({
    method: 'get', path: '/v1/tenants/{id}', operationId: 'getTenant', tags, summary: 'Get a tenant (admin)',
    description: "A tenant's id, name and creation time.",
    security,
    request: { params: TenantParams },
    responses: { 200: jsonResponse(TenantSchema, 'The tenant', TENANT_EXAMPLE), 400: problemOf(400, 'Not a tenant id'), 404: problemOf(404, 'No such tenant'), ...common },
  }),
  createKey: createRoute({
    method: 'post', path: '/v1/tenants/{id}/keys', operationId: 'createApiKey', tags, summary: 'Create an API key (admin)',
    description: 'Also how keys are rotated: create the new key, move clients to it, then revoke the old one (or let its expiresAt pass). Both work meanwhile.',
    security,
    request: { params: TenantParams, body: jsonBody(KeyRequest, { scopes: ['jobs:read', 'jobs:write'], name: 'ci', expiresAt: '2027-01-01T00:00:00Z' }) },
    responses: { 201: jsonResponse(CreatedKeySchema, 'The key, shown once', CREATED_KEY_EXAMPLE), 400: problemOf(400, 'Invalid body'), 404: problemOf(404, 'No such tenant'), 413: bodyTooLarge, ...common },
  }),
  listKeys: createRoute({
    method: 'get', path: '/v1/tenants/{id}/keys', operationId: 'listApiKeys', tags, summary: "A tenant's API keys (admin)",
    description: 'Every key of the tenant, revoked and expired ones included, without secrets. The listing is recorded in the audit trail.',
    security,
    request: { params: TenantParams },
    responses: {
      200: jsonResponse(z.object({ items: z.array(KeySchema).openapi({ description: 'The keys, without secrets.' }) }).openapi('ApiKeyList', { description: "A tenant's API keys." }), 'Keys, without secrets', { items: [KEY_EXAMPLE] }),
      400: problemOf(400, 'Not a tenant id'),
      404: problemOf(404, 'No such tenant'),
      ...common,
    },
  }),
  revokeKey: createRoute({
    method: 'delete', path: '/v1/keys/{keyId}', operationId: 'revokeApiKey', tags, summary: 'Revoke an API key (admin)',
    description: 'The key stops working at once. Revoking a revoked key answers it unchanged.',
    security,
    request: { params: KeyParams },
    responses: {
      200: jsonResponse(KeySchema, 'The revoked key', { ...KEY_EXAMPLE, revokedAt: '2026-12-02T12:00:00.000Z' }),
      400: problemOf(400, 'Not a key id'),
      404: problemOf(404, 'No such key'),
      ...common,
    },
  }),
  audit: createRoute({
    method: 'get', path: '/v1/audit', operationId: 'listAuditEvents', tags, summary: 'Audit trail, newest first (admin)',
    description: 'Every admin change and refused admin attempt, newest first; filter by tenant, page with cursor.',
    security,
    request: { query: AuditQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(AuditSchema).openapi({ description: 'Audit events, newest first.' }), nextCursor: z.string().optional().openapi({ description: 'Pass as cursor for the next page; absent on the last.' }) }).openapi('AuditEventList', { description: 'A page of the audit trail.' }), 'Audit events', { items: [AUDIT_EXAMPLE] }),
      400: problemOf(400, 'Invalid query'),
      ...common,
    },
  }),
};

export const keyView = (k: ApiKeyRecord) => ({
  id: k.keyId,
  tenantId: k.tenantId,
  prefix: `${KEY_PREFIX}${k.keyId}_`,
  scopes: k.scopes,
  createdAt: k.createdAt,
  ...(k.expiresAt ? { expiresAt: k.expiresAt } : {}),
  ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
  ...(k.name ? { name: k.name } : {}),
});

const noTenant = (c: Context) => problem(c, 404, 'not-found', 'Not found', 'No tenant with this id exists.');

export const registerAdminRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  const clock = deps.jobs.clock ?? systemClock;
  const audit = (c: Context<ApiEnv>, action: string, about: Partial<Pick<AuditEvent, 'tenantId' | 'keyId' | 'details'>> = {}): AuditEvent => ({
    id: `aud_${randomBytes(10).toString('hex')}`,
    at: clock.now().toISOString(),
    action,
    actor: { tenantId: c.get('tenantId'), keyId: c.get('keyId') },
    ...about,
  });

  // A refused admin attempt is worth knowing about: someone holds a key and is probing.
  const adminOnly = requireScope('admin');
  app.use('/v1/*', async (c, next) => {
    if (!ADMIN_PATH.test(c.req.path)) return next();
    let allowed = false;
    const response = await adminOnly(c, async () => {
      allowed = true;
      await next();
    });
    if (!allowed) await deps.tenants.recordAudit(audit(c, 'admin.denied', { details: { method: c.req.method, path: c.req.path.slice(0, 200) } }));
    return response;
  });

  /** Checks an optional expiresAt; returns a 400 response when it is not in the future. */
  const badExpiry = (c: Context, expiresAt: string | undefined, pointer: string): Response | undefined => {
    if (expiresAt === undefined || Date.parse(expiresAt) > clock.now().getTime()) return undefined;
    return validationProblem(c, [{ field: pointer.slice(1).replaceAll('/', '.'), pointer, detail: 'must be in the future' }]);
  };
  const adminScopeRefused = (c: Context<ApiEnv>, tenantId: string, scopes: string[], pointer: string): Response | undefined => {
    if (!scopes.includes('admin') || tenantId === c.get('tenantId')) return undefined;
    return validationProblem(c, [{ field: pointer.slice(1).replaceAll('/', '.'), pointer, detail: 'the admin scope is only for the operator tenant' }]);
  };

  const issueKey = async (c: Context<ApiEnv>, tenantId: string, request: z.infer<typeof KeyRequest>) => {
    const generated = generateApiKey();
    const record: ApiKeyRecord = {
      keyId: generated.keyId,
      tenantId,
      secretHash: generated.secretHash,
      scopes: [...new Set(request.scopes)],
      createdAt: clock.now().toISOString(),
      ...(request.expiresAt ? { expiresAt: new Date(request.expiresAt).toISOString() } : {}),
      ...(request.name ? { name: request.name } : {}),
    };
    await deps.tenants.createKey(record, audit(c, 'key.created', { tenantId, keyId: record.keyId, details: { scopes: record.scopes, ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}) } }));
    return { ...keyView(record), key: generated.key };
  };

  app.openapi(routes.createTenant, async (c) => {
    const req = c.req.valid('json');
    const id = req.id ?? newTenantId();
    if (req.key) {
      const refused = badExpiry(c, req.key.expiresAt, '/key/expiresAt') ?? adminScopeRefused(c, id, req.key.scopes, '/key/scopes');
      if (refused) return refused as never;
    }
    const tenant = { id, name: req.name, createdAt: clock.now().toISOString() };
    try {
      await deps.tenants.createTenant(tenant, audit(c, 'tenant.created', { tenantId: id, details: { name: req.name } }));
    } catch (error) {
      if (error instanceof ConflictError) return problem(c, 409, 'conflict', 'Conflict', error.message) as never;
      throw error;
    }
    const key = req.key ? await issueKey(c, id, req.key) : undefined;
    return c.json({ tenant, ...(key ? { key } : {}) }, 201);
  });

  app.openapi(routes.getTenant, async (c) => {
    const tenant = await deps.tenants.getTenant(c.req.valid('param').id);
    return tenant ? c.json(tenant, 200) : (noTenant(c) as never);
  });

  app.openapi(routes.createKey, async (c) => {
    const { id } = c.req.valid('param');
    const req = c.req.valid('json');
    const refused = badExpiry(c, req.expiresAt, '/expiresAt') ?? adminScopeRefused(c, id, req.scopes, '/scopes');
    if (refused) return refused as never;
    if (!(await deps.tenants.getTenant(id))) return noTenant(c) as never;
    return c.json(await issueKey(c, id, req), 201);
  });

  app.openapi(routes.listKeys, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deps.tenants.getTenant(id))) return noTenant(c) as never;
    const keys = await deps.tenants.listKeys(id);
    await deps.tenants.recordAudit(audit(c, 'keys.listed', { tenantId: id }));
    return c.json({ items: keys.map(keyView) }, 200);
  });

  app.openapi(routes.revokeKey, async (c) => {
    const { keyId } = c.req.valid('param');
    const existing = await deps.tenants.getKey(keyId);
    if (!existing) return problem(c, 404, 'not-found', 'Not found', 'No API key with this id exists.') as never;
    const revoked = await deps.tenants.revokeKey(keyId, clock.now().toISOString(), audit(c, 'key.revoked', { tenantId: existing.tenantId, keyId }));
    return c.json(keyView(revoked ?? existing), 200);
  });

  app.openapi(routes.audit, async (c) => {
    // A forged cursor is an InvalidCursorError: the app answers it with a 400 problem.
    return c.json(await deps.tenants.listAudit(c.req.valid('query')), 200);
  });
};
