// GCP Batch as a Switchyard provider (cloud fallback), over the Batch REST API v1.
//
// Docs followed (https://cloud.google.com/batch/docs/reference/rest/v1/projects.locations.jobs):
// - create  POST   https://batch.googleapis.com/v1/{parent=projects/*/locations/*}/jobs?jobId=…
//           (jobId: at most 63 characters, lowercase letter first, [a-z0-9-]); body: Job
// - get     GET    https://batch.googleapis.com/v1/{name=projects/*/locations/*/jobs/*}
// - delete  DELETE https://batch.googleapis.com/v1/{name=…/jobs/*} → a long-running Operation
// - list    GET    …/{parent}/jobs?filter=…&pageToken=… → { jobs, nextPageToken }
// - Job: taskGroups[].taskSpec.runnables[].container {imageUri, commands},
//   taskSpec.environment.variables, taskSpec.maxRunDuration ("3600s"), maxRetryCount;
//   allocationPolicy.instances[].policy {machineType, accelerators[{type,count}],
//   provisioningModel}, installGpuDrivers; allocationPolicy.location.allowedLocations;
//   labels; status {state, statusEvents}
// - Errors: google.rpc.Status JSON `{ "error": { "code", "message", "status" } }`
//   (https://cloud.google.com/apis/design/errors); 409 ALREADY_EXISTS on a duplicate jobId.
// Auth: an OAuth 2.0 access token (scope https://www.googleapis.com/auth/cloud-platform)
// as `Authorization: Bearer`. Getting one (metadata server, service-account key) is the
// caller's job: pass `accessToken` as a string or a function; no Google library is installed.
//
// Idempotency: the jobId is derived from the attempt id, so a repeated create answers
// 409 ALREADY_EXISTS and the adapter returns the existing job.
import { createHash } from 'node:crypto';
import {
  ProviderError,
  type AttemptRef,
  type LaunchRequest,
  type LaunchResult,
  type Offer,
  type OfferQuery,
  type Provider,
  type ProviderInfo,
  type ProviderStatus,
} from '../../core/provider.js';
import { catalogOffers, catalogProviderInfo, findEntry } from '../shared/cloud-catalog.js';
import type { HttpClient } from '../shared/http-client.js';
import { jsonHttp } from '../shared/http-json.js';
import { DEFAULT_GCP_BATCH_CATALOG, type GcpBatchCatalogEntry } from './catalog.js';
import { gcpJobStatus, type GcpJob } from './status.js';

export interface GcpBatchConfig {
  /** Provider name in Switchyard; default "gcp-batch". */
  name?: string;
  project: string;
  /** Region the jobs are created in, e.g. "us-central1". */
  location: string;
  accessToken: string | (() => Promise<string>);
  /** Default https://batch.googleapis.com/v1. */
  baseUrl?: string;
  catalog?: GcpBatchCatalogEntry[];
}

export const MANAGED_LABEL = 'managed-by';
const LIVE_STATES = new Set(['QUEUED', 'SCHEDULED', 'RUNNING']);

/** Deterministic, valid jobId: "sy-" + 40 hex characters of the attempt id's hash. */
export const gcpJobIdFor = (attemptId: string): string =>
  `sy-${createHash('sha256').update(attemptId).digest('hex').slice(0, 40)}`;

const errorMessage = (body: unknown): string | undefined => {
  const e = (body as { error?: { status?: unknown; message?: unknown } } | undefined)?.error;
  return e && typeof e.message === 'string' ? `${String(e.status ?? '')} ${e.message}`.trim() : undefined;
};

const attemptOf = (job: GcpJob): string | undefined =>
  job.taskGroups?.[0]?.taskSpec?.environment?.variables?.SWITCHYARD_ATTEMPT_ID;

export class GcpBatchProvider implements Provider {
  readonly name: string;
  readonly kind = 'cloud' as const;
  private readonly http: HttpClient;
  private readonly catalog: GcpBatchCatalogEntry[];
  private readonly parent: string;

  constructor(private readonly config: GcpBatchConfig) {
    this.name = config.name ?? 'gcp-batch';
    this.catalog = config.catalog ?? DEFAULT_GCP_BATCH_CATALOG;
    this.parent = `projects/${config.project}/locations/${config.location}`;
    this.http = jsonHttp({
      name: this.name,
      baseUrl: config.baseUrl ?? 'https://batch.googleapis.com/v1',
      token: config.accessToken,
      errorMessage,
    });
  }

  info(): ProviderInfo {
    return catalogProviderInfo(this.name, this.catalog);
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    return catalogOffers(this.name, this.catalog, query);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const entry = findEntry(this.catalog, request.offer.offerId);
    const gpus = request.offer.gpuCount;
    const machineType = entry?.machineTypes[gpus];
    if (!entry || !machineType) {
      throw new ProviderError('permanent', `${this.name}: no machine type for ${request.offer.offerId} × ${gpus}`);
    }
    const jobId = gcpJobIdFor(request.attemptId);
    const { status, body } = await this.http.request('POST', `/${this.parent}/jobs`, {
      query: { jobId },
      allow: [409],
      body: {
        taskGroups: [
          {
            taskCount: '1',
            taskSpec: {
              runnables: [{ container: { imageUri: request.image, commands: request.command } }],
              environment: {
                variables: { ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId },
              },
              maxRunDuration: `${Math.max(1, Math.ceil(request.maxDurationSeconds))}s`,
              // Switchyard retries across providers itself.
              maxRetryCount: 0,
            },
          },
        ],
        allocationPolicy: {
          location: { allowedLocations: [`regions/${this.config.location}`] },
          instances: [
            {
              policy: {
                machineType,
                accelerators: [{ type: entry.acceleratorType, count: String(gpus) }],
                provisioningModel: 'STANDARD',
              },
              installGpuDrivers: true,
            },
          ],
        },
        labels: { [MANAGED_LABEL]: 'switchyard' },
        logsPolicy: { destination: 'CLOUD_LOGGING' },
      },
    });
    if (status !== 409) return { providerRef: (body as GcpJob).name ?? `${this.parent}/jobs/${jobId}` };
    // ALREADY_EXISTS: this attempt was launched before; the job must be ours.
    const existing = await this.getJob(`${this.parent}/jobs/${jobId}`);
    if (!existing || attemptOf(existing) !== request.attemptId) {
      throw new ProviderError('permanent', `${this.name}: job ${jobId} exists but belongs to another attempt`);
    }
    return { providerRef: existing.name ?? `${this.parent}/jobs/${jobId}` };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const job = await this.getJob(ref.providerRef ?? `${this.parent}/jobs/${gcpJobIdFor(ref.attemptId)}`);
    if (!job) throw new ProviderError('unknown-job', `${this.name}: no job for attempt ${ref.attemptId}`);
    return gcpJobStatus(job);
  }

  /** Idempotent: deleting a job that is gone (404) is success. */
  async cancel(ref: AttemptRef): Promise<void> {
    const name = ref.providerRef ?? `${this.parent}/jobs/${gcpJobIdFor(ref.attemptId)}`;
    await this.http.request('DELETE', `/${name}`, { allow: [404] });
  }

  /** Live jobs carrying Switchyard's label, for the orphan sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    const owned: AttemptRef[] = [];
    let pageToken: string | undefined;
    do {
      const { body } = await this.http.request('GET', `/${this.parent}/jobs`, {
        query: { filter: `labels.${MANAGED_LABEL}="switchyard"`, ...(pageToken ? { pageToken } : {}) },
      });
      const page = body as { jobs?: GcpJob[]; nextPageToken?: string } | undefined;
      for (const job of page?.jobs ?? []) {
        const attemptId = attemptOf(job);
        if (attemptId && job.name && LIVE_STATES.has(job.status?.state ?? '')) owned.push({ attemptId, providerRef: job.name });
      }
      pageToken = page?.nextPageToken || undefined;
    } while (pageToken);
    return owned;
  }

  private async getJob(name: string): Promise<GcpJob | undefined> {
    const { status, body } = await this.http.request('GET', `/${name}`, { allow: [404] });
    return status === 404 ? undefined : (body as GcpJob);
  }
}

export const createGcpBatchProvider = (config: GcpBatchConfig): GcpBatchProvider => new GcpBatchProvider(config);
