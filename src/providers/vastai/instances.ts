// Reading instances through the documented list, GET /api/v1/instances (openapi.yaml
// operationId showInstances): keyset pages of at most 25 (`limit`, `after_token` ->
// `next_token`, null on the last page) and `select_filters`, a JSON object of column
// filters in which `id` and `label` are named filterable. The deprecated v0 list
// (/api/v0/instances/) is not in the spec and is not used.
import type { HttpClient } from '../shared/http-client.js';
import type { VastInstance } from './status.js';

const PAGE = 25;
/** A bound on pages per listing, so a server that keeps returning a token cannot loop us forever. */
const MAX_PAGES = 400;

interface InstancePage {
  instances?: VastInstance[];
  next_token?: string | null;
}

export class VastInstances {
  constructor(private readonly client: HttpClient) {}

  /** Every instance matching the filters, across pages. */
  async list(filters: Record<string, unknown> = {}): Promise<VastInstance[]> {
    const out: VastInstance[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query: Record<string, string> = { limit: String(PAGE), select_filters: JSON.stringify(filters) };
      if (token) query.after_token = token;
      const res = await this.client.call<InstancePage>('GET', '/api/v1/instances', undefined, { query });
      out.push(...(res.instances ?? []));
      if (!res.next_token) return out;
      token = res.next_token;
    }
    return out;
  }

  async byId(id: number): Promise<VastInstance | undefined> {
    return (await this.list({ id: { eq: id } })).find((i) => i.id === id);
  }

  async byLabel(label: string): Promise<VastInstance | undefined> {
    return (await this.list({ label: { eq: label } })).find((i) => i.label === label);
  }
}
