// Reading deployments back from the Console API (akash/apps/api/swagger/openapi.json):
//   GET /v1/deployments/{dseq}            state, leases with the provider's lease status
//   GET /v1/deployments?skip=&limit=      the account's deployments, paged (hasMore)
//   GET /v1/deployment/{owner}/{dseq}     the indexer's view, with the chain's group specs
// Which attempt a deployment belongs to is the name of its placement group (sdl.ts): the
// Console keeps no SDL and no settings for an API-key deployment that the adapter could
// read (`consoleSettings` exists nowhere in the document, FACTS.md §1).
import { HttpError, type HttpClient } from '../shared/http-client.js';
import { attemptOfPlacement } from './sdl.js';
import type { AkashDeployment } from './status.js';

interface ListPage {
  data: { deployments: AkashDeployment[]; pagination?: { hasMore?: boolean } };
}

interface DeploymentDetail {
  other?: { groups?: Array<{ group_spec?: { name?: string } }> };
}

export const getDeployment = async (client: HttpClient, dseq: string): Promise<AkashDeployment> =>
  (await client.call<{ data: AkashDeployment }>('GET', `/v1/deployments/${encodeURIComponent(dseq)}`)).data;

export const listActive = async (client: HttpClient): Promise<AkashDeployment[]> => {
  const out: AkashDeployment[] = [];
  const limit = 100;
  for (let skip = 0; ; skip += limit) {
    const page = await client.call<ListPage>('GET', '/v1/deployments', undefined, { query: { skip: String(skip), limit: String(limit) } });
    const items = page.data?.deployments ?? [];
    out.push(...items.filter((d) => d.deployment.state === 'active'));
    if (!page.data?.pagination?.hasMore || items.length === 0) return out;
  }
};

/**
 * The attempt whose placement group a deployment carries; null when it carries none of
 * Switchyard's (someone else's deployment); undefined when the indexer does not know the
 * deployment yet (404 shortly after creation), so ownership cannot be told.
 */
export const attemptOfDeployment = async (client: HttpClient, owner: string, dseq: string): Promise<string | null | undefined> => {
  let detail: DeploymentDetail;
  try {
    detail = await client.call<DeploymentDetail>('GET', `/v1/deployment/${encodeURIComponent(owner)}/${encodeURIComponent(dseq)}`, undefined, { auth: false });
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
  for (const g of detail.other?.groups ?? []) {
    const attempt = attemptOfPlacement(g.group_spec?.name ?? '');
    if (attempt) return attempt;
  }
  return null;
};

/** Active deployments Switchyard created, each with the attempt it was made for. */
export const ownedDeployments = async (client: HttpClient): Promise<Array<{ attemptId: string; deployment: AkashDeployment }>> => {
  const out: Array<{ attemptId: string; deployment: AkashDeployment }> = [];
  for (const d of await listActive(client)) {
    const attemptId = await attemptOfDeployment(client, d.deployment.id.owner, d.deployment.id.dseq);
    if (attemptId) out.push({ attemptId, deployment: d });
  }
  return out;
};
