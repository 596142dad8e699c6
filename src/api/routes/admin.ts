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
import { problemResponse } from '../openapi-responses.js';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ADMIN_PATH = /^\/v1\/(tenants|keys|audit)(\/|$)/;

const KeyRequest = z
  .object({
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).openapi({ example: ['jobs:read', 'jobs:write'] }),
    expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The key stops working at this time (end of a rotation overlap).' }),
    name: z.string().min(1).max(100).optional(),
  })
  .strict()
  .openapi('KeyRequest');

const TenantRequest = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: 'Acme ML' }),
    id: z.string().regex(TENANT_ID, 'lowercase letters, digits, "-" and "_", up to 64').optional(),
    key: KeyRequest.optional().openapi({ description: 'Also create a first API key (shown once).' }),
  })
  .strict()
  .openapi('TenantRequest');

const TenantSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).openapi('Tenant');
const KeySchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    prefix: z.string().openapi({ description: 'The public part of the key, to recognise it' }),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
    name: z.string().optional(),
  })
  .openapi('ApiKey');
const CreatedKeySchema = KeySchema.extend({ key: z.string().openapi({ description: 'The full key. Shown once; store it now.' }) }).openapi('CreatedApiKey');
const AuditSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.string(),
    actor: z.object({ tenantId: z.string(), keyId: z.string() }),
    tenantId: z.string().optional(),
    keyId: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('AuditEvent');

const TenantParams = z.object({ id: z.string().regex(TENANT_ID, 'not a tenant id').openapi({ param: { name: 'id', in: 'path' } }) });
const KeyParams = z.object({ keyId: z.string().regex(KEY_ID_PATTERN, 'not a key id').openapi({ param: { name: 'keyId', in: 'path' } }) });
const AuditQuery = z.object({
  tenantId: z.string().regex(TENANT_ID).optional().openapi({ param: { name: 'tenantId', in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const security = [{ bearerAuth: [] }];
const common = { 401: problemResponse('Missing or invalid API key'), 403: problemResponse('The key lacks the admin scope') };
const body = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const routes = {
  createTenant: createRoute({
    method: 'post', path: '/v1/tenants', summary: 'Create a tenant (admin)', security,
    request: { body: body(TenantRequest) },
    responses: { 201: json(z.object({ tenant: TenantSchema, key: CreatedKeySchema.optional() }), 'The tenant (and its first key)'), 400: problemResponse('Invalid body'), 409: problemResponse('Tenant id taken'), ...common },
  }),
  getTenant: createRoute({
    method: 'get', path: '/v1/tenants/{id}', summary: 'Get a tenant (admin)', security,
    request: { params: TenantParams },
    responses: { 200: json(TenantSchema, 'The tenant'), 404: problemResponse('No such tenant'), ...common },
  }),
  createKey: createRoute({
    method: 'post', path: '/v1/tenants/{id}/keys', summary: 'Create an API key (admin)',
    description: 'Also how keys are rotated: create the new key, move clients to it, then revoke the old one (or let its expiresAt pass). Both work meanwhile.',
    security,
    request: { params: TenantParams, body: body(KeyRequest) },
    responses: { 201: json(CreatedKeySchema, 'The key, shown once'), 400: problemResponse('Invalid body'), 404: problemResponse('No such tenant'), ...common },
  }),
  listKeys: createRoute({
    method: 'get', path: '/v1/tenants/{id}/keys', summary: "A tenant's API keys (admin)", security,
    request: { params: TenantParams },
    responses: { 200: json(z.object({ items: z.array(KeySchema) }), 'Keys, without secrets'), 404: problemResponse('No such tenant'), ...common },
  }),
  revokeKey: createRoute({
    method: 'delete', path: '/v1/keys/{keyId}', summary: 'Revoke an API key (admin)', security,
    request: { params: KeyParams },
    responses: { 200: json(KeySchema, 'The revoked key'), 404: problemResponse('No such key'), ...common },
  }),
  audit: createRoute({
    method: 'get', path: '/v1/audit', summary: 'Audit trail, newest first (admin)', security,
    request: { query: AuditQuery },
    responses: { 200: json(z.object({ items: z.array(AuditSchema), nextCursor: z.string().optional() }), 'Audit events'), 400: problemResponse('Invalid query'), ...common },
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
