// Deployment calls on the Nosana API (nosana/FACTS.md, Endpoints): the create body with its
// job definition, and reading deployments and their jobs back. Lists are cursor-paged
// (FACTS Objects: pagination): `{deployments|jobs, pagination:{cursor_next, …}}`, query
// `cursor`, `limit` 10|20|50|100 (default 10), `sort_order`; the deployment list filters by
// `name` and `status` (one or a comma list).
import type { LaunchRequest } from '../../core/provider.js';
import type { HttpClient } from '../shared/http-client.js';
import type { NosanaDeployment, NosanaDeploymentJob, NosanaJobDetail } from './status.js';

/** The op id Switchyard's single container/run operation carries in every job definition. */
export const OP_ID = 'switchyard';

export type PageSize = 10 | 20 | 50 | 100;

/** Job definition v0.1 (learn.nosana.com job-definition docs; @nosana/sdk JobDefinition type). */
export const buildJobDefinition = (request: LaunchRequest) => ({
  version: '0.1',
  type: 'container',
  meta: { trigger: 'api' },
  ops: [
    {
      type: 'container/run',
      id: OP_ID,
      args: {
        image: request.image,
        // An array is the exec form; the image entrypoint stays in place.
        ...(request.command.length > 0 ? { cmd: request.command } : {}),
        gpu: true,
        env: { ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId },
      },
    },
  ],
});

export const buildCreateBody = (request: LaunchRequest, name: string, minTimeoutMinutes: number) => ({
  name,
  market: request.offer.offerId,
  replicas: 1,
  // Minutes (FACTS Objects: Deployment). Credit-funded deployments need at least 60 (FACTS
  // POST /deployments/create, SITE-IDX pricing.md); the reconciler enforces the job's own
  // maxDurationSeconds by cancelling.
  timeout: Math.max(minTimeoutMinutes, Math.ceil(request.maxDurationSeconds / 60)),
  // SIMPLE: list the job once; the manager stops the deployment when it ends (FACTS Lifecycle).
  strategy: 'SIMPLE',
  job_definition: buildJobDefinition(request),
});

interface Page<T> {
  pagination?: { cursor_next?: string | null };
  items: T[];
}

const pages = async <T>(read: (cursor?: string) => Promise<Page<T>>): Promise<T[]> => {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 1000; n += 1) {
    const page = await read(cursor);
    out.push(...page.items);
    const next = page.pagination?.cursor_next ?? undefined;
    if (!next || page.items.length === 0) break;
    cursor = next;
  }
  return out;
};

export interface DeploymentFilter {
  name?: string;
  statuses?: string[];
}

export const listDeployments = (client: HttpClient, filter: DeploymentFilter = {}, pageSize: PageSize = 100): Promise<NosanaDeployment[]> =>
  pages(async (cursor) => {
    const query: Record<string, string> = { limit: String(pageSize) };
    if (cursor) query.cursor = cursor;
    if (filter.name) query.name = filter.name;
    if (filter.statuses?.length) query.status = filter.statuses.join(',');
    const page = await client.call<{ deployments?: NosanaDeployment[]; pagination?: Page<unknown>['pagination'] }>(
      'GET', '/deployments', undefined, { query },
    );
    return { items: page.deployments ?? [], pagination: page.pagination };
  });

export const getDeployment = (client: HttpClient, id: string): Promise<NosanaDeployment> =>
  client.call<NosanaDeployment>('GET', `/deployments/${encodeURIComponent(id)}`);

/** The newest job of a deployment (SIMPLE strategy, one replica: the one that matters). */
export const latestJob = async (client: HttpClient, id: string): Promise<NosanaDeploymentJob | undefined> => {
  const page = await client.call<{ jobs?: NosanaDeploymentJob[] }>('GET', `/deployments/${encodeURIComponent(id)}/jobs`, undefined, {
    query: { limit: '10', sort_order: 'desc' },
  });
  return [...(page.jobs ?? [])].sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
};

export const jobDetail = (client: HttpClient, id: string, job: string): Promise<NosanaJobDetail> =>
  client.call<NosanaJobDetail>('GET', `/deployments/${encodeURIComponent(id)}/jobs/${encodeURIComponent(job)}`);

export const postAction = (client: HttpClient, id: string, action: 'start' | 'stop' | 'archive'): Promise<unknown> =>
  client.call('POST', `/deployments/${encodeURIComponent(id)}/${action}`);
