// The fake RunPod's container registry credentials (api-reference-v2/openapi.json):
// createRegistry POST /v2/registries (CreateRegistryRequest {name, username, password}, all
// non-empty, additionalProperties false → 201 Registry {id, name}); listRegistries GET
// /v2/registries → {registries}; getRegistry GET /v2/registries/{id}; deleteRegistry DELETE
// /v2/registries/{id} → 204, 404 unknown, 400 "in use by a pod". Username and password are
// write-only: no answer ever carries them. A Pod names a credential in `registry` (its id).
import { randomBytes } from 'node:crypto';
import type { FakeResponse, Route } from '../shared/index.js';

export interface FakeRegistry {
  id: string;
  name: string;
  username: string;
  password: string;
}

type Err = (status: number, detail: string, errors?: string[]) => FakeResponse;

const FIELDS = ['name', 'username', 'password'];

export const registryRoutes = (registries: Map<string, FakeRegistry>, inUse: (id: string) => boolean, err: Err): Route[] => {
  const view = (r: FakeRegistry) => ({ id: r.id, name: r.name });
  return [
    {
      method: 'POST',
      pattern: '/v2/registries',
      handle: (req) => {
        const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
        const unknown = Object.keys(body).filter((k) => !FIELDS.includes(k));
        if (unknown.length > 0) return err(422, 'request body failed validation', unknown.map((k) => `$: additional properties '${k}' not allowed`));
        const missing = FIELDS.filter((k) => typeof body[k] !== 'string' || body[k] === '');
        if (missing.length > 0) return err(422, 'request body failed validation', missing.map((k) => `$.${k}: a non-empty string is required`));
        const r: FakeRegistry = { id: `reg_${randomBytes(6).toString('hex')}`, name: String(body.name), username: String(body.username), password: String(body.password) };
        registries.set(r.id, r);
        return { status: 201, body: view(r) };
      },
    },
    { method: 'GET', pattern: '/v2/registries', handle: () => ({ status: 200, body: { registries: [...registries.values()].map(view) } }) },
    {
      method: 'GET',
      pattern: '/v2/registries/:id',
      handle: (req) => {
        const r = registries.get(req.params.id ?? '');
        return r ? { status: 200, body: view(r) } : err(404, 'registry not found');
      },
    },
    {
      method: 'DELETE',
      pattern: '/v2/registries/:id',
      handle: (req) => {
        const id = req.params.id ?? '';
        if (!registries.has(id)) return err(404, 'registry not found');
        if (inUse(id)) return err(400, 'Registry credential is in use by a pod and cannot be deleted');
        registries.delete(id);
        return { status: 204 };
      },
    },
  ];
};
