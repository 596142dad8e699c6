// A private image's login at RunPod (api-reference-v2/openapi.json): a Pod takes no literal
// login, only `registry` — "Container registry credential ID (for private images)" — so the
// login is first stored as a registry credential:
// - createRegistry  POST   /v2/registries      CreateRegistryRequest {name, username, password}
//                                              → 201 Registry {id, name} (credentials write-only)
// - listRegistries  GET    /v2/registries      → 200 {registries: Registry[]}
// - deleteRegistry  DELETE /v2/registries/{id} → 204; 404 unknown; 400 while a Pod uses it
// One credential per attempt, named `switchyard-<attemptId>`: a retried launch finds it by
// name instead of storing a second (createRegistry takes no client token). It is deleted when
// the attempt's Pod is; a delete refused because a Pod still uses it is left for the next
// cancel. The password goes only into createRegistry's body, never into a message.
// A credential outlives its attempt when the process dies between createRegistry and the
// Pod's delete; the orphan sweep finds those by name through listRegistries (owned()) and
// deletes each whose attempt is no longer live (RunPodProvider.listOwned → cancel).
import type { RegistryLogin } from '../../core/provider.js';
import type { HttpClient } from '../shared/http-client.js';

const REGISTRY_NAME_PREFIX = 'switchyard-';
export const registryNameFor = (attemptId: string): string => `${REGISTRY_NAME_PREFIX}${attemptId}`;

interface Registry {
  id: string;
  name: string;
}

export class RunPodRegistries {
  constructor(private readonly http: HttpClient, private readonly name: string) {}

  /** The attempt's registry credential id, stored now unless an earlier try stored it. */
  async ensure(attemptId: string, login: RegistryLogin): Promise<string> {
    const existing = await this.find(attemptId);
    if (existing) return existing.id;
    const { body } = await this.http.request('POST', '/v2/registries', {
      // CreateRegistryRequest: the only place the registry login is sent.
      body: { name: registryNameFor(attemptId), username: login.username, password: login.password },
    });
    const id = (body as Partial<Registry> | undefined)?.id;
    if (!id) throw new Error(`${this.name} POST /v2/registries: no registry id in the answer`);
    return id;
  }

  /** Deletes the attempt's credential if it exists; one still in use by a Pod (400) is kept for a later call. */
  async remove(attemptId: string): Promise<void> {
    const existing = await this.find(attemptId);
    if (!existing) return;
    await this.http.request('DELETE', `/v2/registries/${encodeURIComponent(existing.id)}`, { allow: [400, 404] });
  }

  /** The attempt ids of every credential named by our convention (listRegistries has no filter or paging). */
  async ownedAttemptIds(): Promise<string[]> {
    return (await this.list()).flatMap((r) =>
      typeof r.name === 'string' && r.name.startsWith(REGISTRY_NAME_PREFIX) && r.name.length > REGISTRY_NAME_PREFIX.length
        ? [r.name.slice(REGISTRY_NAME_PREFIX.length)]
        : [],
    );
  }

  private async find(attemptId: string): Promise<Registry | undefined> {
    return (await this.list()).find((r) => r.name === registryNameFor(attemptId));
  }

  private async list(): Promise<Registry[]> {
    const { body } = await this.http.request('GET', '/v2/registries');
    const list = (body as { registries?: unknown } | undefined)?.registries;
    return Array.isArray(list) ? (list as Registry[]) : [];
  }
}
