// RunPod Pods as a Switchyard provider (cloud fallback), over RunPod's REST API v1.
//
// Docs followed (https://docs.runpod.io/api-reference, server https://rest.runpod.io/v1,
// `Authorization: Bearer <API key>`):
// - POST /pods            create a Pod (name, imageName, gpuTypeIds, gpuCount, cloudType,
//                         computeType, dockerEntrypoint, dockerStartCmd, env, containerDiskInGb,
//                         volumeInGb, interruptible)
// - GET /pods?name=…      list Pods, filterable by name and desiredStatus
// - GET /pods/{podId}     one Pod: desiredStatus RUNNING | EXITED | TERMINATED, lastStartedAt, …
// - DELETE /pods/{podId}  terminate (204)
// REST v1 rather than GraphQL or the v2 API: v1 is the documented, generally available
// REST surface; RunPod marks v2 as beta.
//
// What the docs leave unclear, and what this adapter assumes:
// - Error bodies: not specified in the OpenAPI; we read `error` or `message`.
// - No capacity: the documented message "There are no longer any instances available
//   with the requested specifications" (seen from GraphQL and runpodctl); matched by text.
// - Exit codes: a Pod's API record has none. The container is wrapped so that it stops its
//   own Pod when the command exits 0 (desiredStatus EXITED) and removes it otherwise
//   (TERMINATED), using runpodctl and RUNPOD_POD_ID, which RunPod documents as present in
//   Pods. So success reports exit code 0, and failure reports no code.
// - "Started": v1 has no container state; a RUNNING Pod with lastStartedAt counts as running.
// - A Pod we launched that the API no longer knows (404) and that we did not delete is
//   reported as lost, a provider fault (host gone, account-side removal).
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
import { DEFAULT_RUNPOD_CATALOG, type RunPodCatalogEntry } from './catalog.js';

export interface RunPodConfig {
  /** Provider name in Switchyard; default "runpod". */
  name?: string;
  apiKey: string;
  /** Default https://rest.runpod.io/v1. */
  baseUrl?: string;
  catalog?: RunPodCatalogEntry[];
  containerDiskInGb?: number;
}

export interface RunPodPod {
  id: string;
  name?: string;
  desiredStatus?: 'RUNNING' | 'EXITED' | 'TERMINATED' | string;
  lastStartedAt?: string;
  lastStatusChange?: string;
  env?: Record<string, string>;
}

export const POD_NAME_PREFIX = 'switchyard-';
export const podNameFor = (attemptId: string): string => `${POD_NAME_PREFIX}${attemptId}`;

/**
 * Runs the job's command, then stops the Pod on exit 0 or removes it otherwise, so the
 * outcome shows in desiredStatus and the GPU stops billing either way.
 */
export const WRAPPER_SCRIPT =
  '"$@"; code=$?; if [ "$code" -eq 0 ]; then runpodctl stop pod "$RUNPOD_POD_ID"; ' +
  'else runpodctl remove pod "$RUNPOD_POD_ID"; fi; exit "$code"';

const errorMessage = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { error?: unknown; message?: unknown };
  return typeof b.error === 'string' ? b.error : typeof b.message === 'string' ? b.message : undefined;
};

export class RunPodProvider implements Provider {
  readonly name: string;
  readonly kind = 'cloud' as const;
  private readonly http: HttpClient;
  private readonly catalog: RunPodCatalogEntry[];

  constructor(private readonly config: RunPodConfig) {
    this.name = config.name ?? 'runpod';
    this.catalog = config.catalog ?? DEFAULT_RUNPOD_CATALOG;
    this.http = jsonHttp({
      name: this.name,
      baseUrl: config.baseUrl ?? 'https://rest.runpod.io/v1',
      token: config.apiKey,
      errorMessage,
      capacityPattern: /no longer any instances available|not enough free GPUs/i,
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
    if (!entry) throw new ProviderError('permanent', `${this.name}: no catalog entry ${request.offer.offerId}`);
    const existing = await this.findByAttempt(request.attemptId);
    if (existing) return { providerRef: existing.id };
    const { body } = await this.http.request('POST', '/pods', {
      body: {
        name: podNameFor(request.attemptId),
        imageName: request.image,
        computeType: 'GPU',
        cloudType: entry.cloudType,
        gpuTypeIds: [entry.gpuTypeId],
        gpuCount: request.offer.gpuCount,
        // Switchyard moves failed work itself; a spot Pod's interruption would look like success (EXITED).
        interruptible: false,
        dockerEntrypoint: ['sh', '-c', WRAPPER_SCRIPT, 'switchyard'],
        dockerStartCmd: request.command,
        env: { ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId },
        containerDiskInGb: this.config.containerDiskInGb ?? 50,
        // No volume: a stopped Pod then holds nothing that bills.
        volumeInGb: 0,
      },
    });
    const id = (body as Partial<RunPodPod> | undefined)?.id;
    if (!id) throw new ProviderError('transient', `${this.name} POST /pods: no pod id in the answer`);
    return { providerRef: id };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const pod = ref.providerRef ? await this.getPod(ref.providerRef) : await this.findByAttempt(ref.attemptId);
    if (!pod) {
      if (ref.providerRef) {
        return { state: 'lost', providerFault: true, message: `pod ${ref.providerRef} no longer exists at RunPod` };
      }
      throw new ProviderError('unknown-job', `${this.name}: no pod for attempt ${ref.attemptId}`);
    }
    return podStatus(pod);
  }

  /** Idempotent: terminating a Pod that is already gone is success. */
  async cancel(ref: AttemptRef): Promise<void> {
    const podId = ref.providerRef ?? (await this.findByAttempt(ref.attemptId))?.id;
    if (!podId) return;
    await this.http.request('DELETE', `/pods/${encodeURIComponent(podId)}`, { allow: [404] });
  }

  /** Pods this Switchyard launched that still hold a GPU, for the orphan sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    const { body } = await this.http.request('GET', '/pods', { query: { desiredStatus: 'RUNNING' } });
    return asPods(body).flatMap((p) => {
      const attemptId = p.env?.SWITCHYARD_ATTEMPT_ID;
      return p.name?.startsWith(POD_NAME_PREFIX) && attemptId && p.desiredStatus === 'RUNNING'
        ? [{ attemptId, providerRef: p.id }]
        : [];
    });
  }

  private async getPod(podId: string): Promise<RunPodPod | undefined> {
    const { status, body } = await this.http.request('GET', `/pods/${encodeURIComponent(podId)}`, { allow: [404] });
    return status === 404 ? undefined : (body as RunPodPod);
  }

  /** The attempt's Pod, by its derived name; the env var guards against a name typed by hand. */
  private async findByAttempt(attemptId: string): Promise<RunPodPod | undefined> {
    const { body } = await this.http.request('GET', '/pods', { query: { name: podNameFor(attemptId) } });
    return asPods(body).find(
      (p) => p.name === podNameFor(attemptId) && p.env?.SWITCHYARD_ATTEMPT_ID === attemptId,
    );
  }
}

const asPods = (body: unknown): RunPodPod[] => (Array.isArray(body) ? (body as RunPodPod[]) : []);

export const podStatus = (pod: RunPodPod): ProviderStatus => {
  const message = pod.lastStatusChange;
  const withMessage = (s: ProviderStatus): ProviderStatus => (message ? { ...s, message } : s);
  switch (pod.desiredStatus) {
    case 'RUNNING':
      return withMessage({ state: pod.lastStartedAt ? 'running' : 'pending' });
    case 'EXITED':
      return withMessage({ state: 'succeeded', exitCode: 0 });
    case 'TERMINATED':
      return {
        state: 'failed',
        providerFault: false,
        message: `pod terminated: the command exited non-zero or the pod was removed (RunPod reports no exit code)${message ? `; ${message}` : ''}`,
      };
    default:
      return { state: 'pending', message: `unknown RunPod desiredStatus ${String(pod.desiredStatus)}` };
  }
};

export const createRunPodProvider = (config: RunPodConfig): RunPodProvider => new RunPodProvider(config);
