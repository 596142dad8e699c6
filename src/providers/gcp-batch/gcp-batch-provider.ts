// GCP Batch as a Switchyard provider (cloud fallback), over the Batch REST API v1.
//
// Spec followed: the Batch API v1 discovery document (../shared/provider-specs/gcp-batch/
// specs/batch-v1.json, revision 20260521; rootUrl https://batch.googleapis.com/). Methods:
// - projects.locations.jobs.create  POST /v1/{parent}/jobs?jobId=…  body Job → Job
//   (jobId: lowercase letter first, [a-z0-9-], at most 63 characters)
// - projects.locations.jobs.get     GET  /v1/{name}  → Job
// - projects.locations.jobs.list    GET  /v1/{parent}/jobs?filter=…&pageToken=… → ListJobsResponse
// - projects.locations.jobs.cancel  POST /v1/{name}:cancel  body CancelJobRequest → Operation
//   (new since the 2024 document; the job goes CANCELLATION_IN_PROGRESS → CANCELLED)
// - Job: taskGroups[].taskSpec {runnables[].container {imageUri, entrypoint, commands}, environment
//   .variables, maxRunDuration (google-duration "3600s"), maxRetryCount}, taskCount (int64,
//   a string); allocationPolicy {location.allowedLocations, instances[] {policy {machineType,
//   accelerators[] {type, count (int64)}, provisioningModel}, installGpuDrivers}}; labels;
//   logsPolicy; status {state, statusEvents[] {taskExecution.exitCode}}.
// - A private image's login: Container.username / Container.password ("Required if the
//   container image is from a private Docker registry"). The document accepts plain text or
//   a Secret Manager name and warns that plain text is visible to whoever can view the job in
//   this project; the job lives in the operator's own project (no third-party host sees it),
//   and Switchyard's tenant secret holds a literal login, so the literal is sent. The Container
//   has no registry-host field: the login is for imageUri's registry.
// - Errors: Google's JSON error model `{ error: { code, message, status } }` (AIP-193);
//   409 ALREADY_EXISTS on a duplicate jobId.
// Auth: OAuth 2.0 access tokens (scope cloud-platform, the document's `auth`) from a
// service-account key or a workload identity config through google-auth-library, cached and
// refreshed by it (token.ts).
//
// Idempotency: the jobId is derived from the attempt id, so a repeated create answers 409
// ALREADY_EXISTS and the adapter returns the existing job, after checking it is this
// attempt's. Ownership: every status read checks the job's SWITCHYARD_ATTEMPT_ID variable
// (set at launch in taskSpec.environment); a job that does not carry it is a lost machine.
// Stop: jobs.cancel on a live job (Batch then stops the VMs); a job that finished has
// already had its VMs released by Batch, so there is nothing to stop. Jobs are not deleted:
// their record (and exit code) stays readable.
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
  type RegistryLogin,
} from '../../core/provider.js';
import { redactingLogin } from '../shared/registry-login.js';
import { catalogOffers, catalogProviderInfo, findEntry } from '../shared/cloud-catalog.js';
import type { HttpClient } from '../shared/http-client.js';
import { jsonHttp } from '../shared/http-json.js';
import { DEFAULT_GCP_BATCH_CATALOG, GCP_BATCH_BILLING, type GcpBatchCatalogEntry } from './catalog.js';
import { gcpJobStatus, LIVE_STATES, type GcpJob } from './status.js';
import type { GoogleCredentials, GoogleTokenSourceFactory } from './token-source.js';

export interface GcpBatchConfig {
  /** Provider name in Switchyard; default "gcp-batch". */
  name?: string;
  project: string;
  /** Region the jobs are created in, e.g. "us-central1". */
  location: string;
  /** A service-account key or an external-account (workload identity) config, parsed. */
  credentials: GoogleCredentials;
  /** Default https://batch.googleapis.com/v1. */
  baseUrl?: string;
  catalog?: GcpBatchCatalogEntry[];
  /**
   * Makes the access-token source. Passed in rather than imported so a function that only
   * reads the catalogue (the api) does not bundle google-auth-library: see ./index.ts.
   */
  tokens: GoogleTokenSourceFactory;
}

export const MANAGED_LABEL = 'managed-by';

/** Deterministic, valid jobId: "sy-" + 40 hex characters of the attempt id's hash. */
export const gcpJobIdFor = (attemptId: string): string =>
  `sy-${createHash('sha256').update(attemptId).digest('hex').slice(0, 40)}`;

const errorMessage = (body: unknown): string | undefined => {
  const e = (body as { error?: { status?: unknown; message?: unknown } } | undefined)?.error;
  return e && typeof e.message === 'string' ? `${String(e.status ?? '')} ${e.message}`.trim() : undefined;
};

const containerFor = (imageUri: string, command: string[], login?: RegistryLogin): Record<string, unknown> => ({
  imageUri,
  ...(command.length === 0 ? {} : { entrypoint: command[0], commands: command.slice(1) }),
  // Container.username / password (batch-v1.json): the only place the registry login goes.
  ...(login ? { username: login.username, password: login.password } : {}),
});

const attemptOf = (job: GcpJob): string | undefined =>
  job.taskGroups?.[0]?.taskSpec?.environment?.variables?.SWITCHYARD_ATTEMPT_ID;

export class GcpBatchProvider implements Provider {
  readonly name: string;
  readonly kind = 'cloud' as const;
  readonly billing = GCP_BATCH_BILLING;
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
      token: config.tokens(this.name, config.credentials),
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
    // No error out of a launch that carries a registry login may name its password.
    return redactingLogin(request.imageCredentials, () => this.launchOnce(request));
  }

  private async launchOnce(request: LaunchRequest): Promise<LaunchResult> {
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
              // entrypoint + commands = exactly this argv, whatever ENTRYPOINT the image sets
              // (Container.entrypoint "Overrides the ENTRYPOINT"; commands override CMD).
              runnables: [{ container: containerFor(request.image, request.command, request.imageCredentials) }],
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
    const name = ref.providerRef ?? this.jobNameFor(ref.attemptId);
    const job = await this.getJob(name);
    if (!job) throw new ProviderError('unknown-job', `${this.name}: no job for attempt ${ref.attemptId}`);
    if (attemptOf(job) !== ref.attemptId) {
      return { state: 'lost', providerFault: true, message: `job ${name} does not carry attempt ${ref.attemptId}: not this attempt's machine` };
    }
    return gcpJobStatus(job);
  }

  /** Idempotent: a job that is gone, finished or already being cancelled needs nothing; one that is not ours is left alone. */
  async cancel(ref: AttemptRef): Promise<void> {
    const name = ref.providerRef ?? this.jobNameFor(ref.attemptId);
    const job = await this.getJob(name);
    if (!job || attemptOf(job) !== ref.attemptId || !LIVE_STATES.has(job.status?.state ?? '')) return;
    // 404: deleted meanwhile. 400 FAILED_PRECONDITION: it finished meanwhile (Batch released its VMs).
    const { status } = await this.http.request('POST', `/${name}:cancel`, { body: {}, allow: [404, 400] });
    if (status !== 400) return;
    const again = await this.getJob(name);
    if (again && LIVE_STATES.has(again.status?.state ?? '')) {
      throw new ProviderError('permanent', `${this.name}: jobs.cancel refused for live job ${name}`);
    }
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

  private jobNameFor(attemptId: string): string {
    return `${this.parent}/jobs/${gcpJobIdFor(attemptId)}`;
  }

  private async getJob(name: string): Promise<GcpJob | undefined> {
    const { status, body } = await this.http.request('GET', `/${name}`, { allow: [404] });
    return status === 404 ? undefined : (body as GcpJob);
  }
}

