// Deployment calls on the Nosana API: the create body (with its job definition), reading
// deployments and their jobs back, including the paginated list forms.
// Pagination: the deployment manager pages job lists as {jobs, pagination:{cursor_next}}
// (schema/components/pagination.schema.ts, cursor + limit 10|20|50|100, sort_order); the
// deployment list is an array in the schema we read and gained the same filters later, so
// both shapes are accepted here (inferred).
import type { LaunchRequest } from '../../core/provider.js';
import type { HttpClient } from '../shared/http-client.js';
import type { NosanaDeployment, NosanaDeploymentJob, NosanaJobDetail } from './status.js';

/** The op id Switchyard's single container/run operation carries in every job definition. */
export const OP_ID = 'switchyard';

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
  // Minutes. Credit-funded deployments need at least 60 (nosana.com/pricing.md); the
  // reconciler enforces the job's own maxDurationSeconds by cancelling.
  timeout: Math.max(minTimeoutMinutes, Math.ceil(request.maxDurationSeconds / 60)),
  // SIMPLE: list the job once and let it finish (learn.nosana.com deployments/strategies).
  strategy: 'SIMPLE',
  job_definition: buildJobDefinition(request),
});

type Page<K extends string, T> = T[] | ({ [key in K]?: T[] } & { pagination?: { cursor_next?: string | null } });

const itemsOf = <K extends string, T>(page: Page<K, T>, key: K): { items: T[]; next?: string } => {
  if (Array.isArray(page)) return { items: page };
  const p = page as { [key in K]?: T[] } & { pagination?: { cursor_next?: string | null } };
  return { items: p[key] ?? [], next: p.pagination?.cursor_next ?? undefined };
};

export const listDeployments = async (client: HttpClient, pageSize: 10 | 20 | 50 | 100 = 100): Promise<NosanaDeployment[]> => {
  const out: NosanaDeployment[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const qs = `?limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { items, next } = itemsOf(await client.call<Page<'deployments', NosanaDeployment>>('GET', `/api/deployments${qs}`), 'deployments');
    out.push(...items);
    if (!next || items.length === 0) break;
    cursor = next;
  }
  return out;
};

export const getDeployment = (client: HttpClient, id: string): Promise<NosanaDeployment> =>
  client.call<NosanaDeployment>('GET', `/api/deployments/${encodeURIComponent(id)}`);

/** The newest job of a deployment (SIMPLE strategy, one replica: the one that matters). */
export const latestJob = async (client: HttpClient, id: string): Promise<NosanaDeploymentJob | undefined> => {
  const page = await client.call<Page<'jobs', NosanaDeploymentJob>>(
    'GET',
    `/api/deployments/${encodeURIComponent(id)}/jobs?limit=10&sort_order=desc`,
  );
  const { items } = itemsOf(page, 'jobs');
  return [...items].sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0];
};

export const jobDetail = (client: HttpClient, id: string, job: string): Promise<NosanaJobDetail> =>
  client.call<NosanaJobDetail>('GET', `/api/deployments/${encodeURIComponent(id)}/jobs/${encodeURIComponent(job)}`);
