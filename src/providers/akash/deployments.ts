// Reading deployments back from the Console API: by dseq, and "which deployment belongs
// to attempt X". The list endpoint does not return the SDL, so each active deployment's
// detail (whose consoleSettings.sdl carries our SWITCHYARD_ATTEMPT_ID env) is fetched.
import type { HttpClient } from '../shared/http-client.js';
import { attemptIdInSdl } from './sdl.js';
import type { AkashDeployment } from './status.js';

interface ListPage {
  data: { deployments: AkashDeployment[]; pagination?: { hasMore?: boolean } };
}

export const getDeployment = async (client: HttpClient, dseq: string): Promise<AkashDeployment> =>
  (await client.call<{ data: AkashDeployment }>('GET', `/v1/deployments/${encodeURIComponent(dseq)}`)).data;

export const listActive = async (client: HttpClient): Promise<AkashDeployment[]> => {
  const out: AkashDeployment[] = [];
  const limit = 100; // documented maximum page size
  for (let skip = 0; ; skip += limit) {
    const page = await client.call<ListPage>('GET', `/v1/deployments?skip=${skip}&limit=${limit}`);
    const items = page.data?.deployments ?? [];
    out.push(...items.filter((d) => d.deployment.state === 'active'));
    if (!page.data?.pagination?.hasMore || items.length === 0) return out;
  }
};

/** Active deployments Switchyard created, each with the attempt it was made for. */
export const ownedDeployments = async (
  client: HttpClient,
): Promise<Array<{ attemptId: string; deployment: AkashDeployment }>> => {
  const out: Array<{ attemptId: string; deployment: AkashDeployment }> = [];
  for (const d of await listActive(client)) {
    const detail = await getDeployment(client, d.deployment.id.dseq);
    const attemptId = attemptIdInSdl(detail.consoleSettings?.sdl ?? '');
    if (attemptId) out.push({ attemptId, deployment: detail });
  }
  return out;
};
