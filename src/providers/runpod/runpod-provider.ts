// RunPod Pods as a Switchyard provider (cloud fallback), over RunPod's REST API v2.
//
// Spec followed: ../shared/provider-specs/runpod/api-reference-v2/openapi.json ("Runpod REST
// API 2.0.0", server https://api.runpod.io, security `bearerAuth`: `Authorization: Bearer
// <API key>`). REST v1 (rest.runpod.io/v1) was retired on 2026-11-15
// (api-reference-v2/migrate-from-v1.mdx, line 9). Operations used:
// - createPod  POST   /v2/pods       CreatePodRequest {name, image, gpu {id, count}, cloud,
//                                     args (string), env, disk} → 201 Pod
// - listPods   GET    /v2/pods       → 200 {pods: Pod[]} (no name filter in v2: filtered here)
// - getPod     GET    /v2/pods/{id}  → 200 Pod | 404
// - deletePod  DELETE /v2/pods/{id}  → 204 | 404 ("permanently terminates and deletes")
// - createRegistry / listRegistries / deleteRegistry  /v2/registries[/{id}]: a private image's
//   login, stored as a registry credential the Pod names in CreatePodRequest `registry`
//   (ContainerConfig: "Container registry credential ID (for private images)"); created per
//   attempt, deleted with the Pod (registries.ts); ones left by a vanished attempt are found
//   by name for the orphan sweep (listOwned).
// Errors are RFC 9457 problem+json `{title, status, detail, errors?}` (ErrorResponse).
// createPod documents 400 for both a broken rule and "no capacity", told apart only by the
// human-readable `detail` (createPod description); 402 insufficient balance; 403 no access.
//
// Running an arbitrary command. v2 has no entrypoint override (CreatePodRequest has no such
// field, unevaluatedProperties: false); `args` is one string, "Arguments passed to the
// container entrypoint". RunPod's docs show that string split like a shell command line
// (default Container Start Command `bash -c '/start.sh'`, docs.runpod.io/pods/templates/
// overview; `runpodctl create pods --args "bash -c 'your-bash-command'"`, docs.runpod.io/docs/
// create-pod). The templates page's JSON `{cmd, entrypoint}` form is documented to run the
// command twice, so it is not used.
// ASSUMED (spec silent): RunPod splits `args` into words by POSIX shell quoting (single
// quotes honoured, nothing expanded), and the image's ENTRYPOINT is unset or execs its
// arguments (as `sh -c …` images and NVIDIA's entrypoint script do). We send
// `sh -c WRAPPER switchyard <command…>`, every word single-quoted (shell.ts).
//
// Outcome without an exit code. The Pod record has none. WRAPPER runs the command, then
// stops its own Pod on exit 0 (status EXITED) and terminates it otherwise (TERMINATED),
// with runpodctl and RUNPOD_POD_ID (docs.runpod.io/docs/create-pod: "runpodctl stop pod
// $RUNPOD_POD_ID" from inside a Pod; `runpodctl remove pod` likewise). So a
// failed command reads as failed, never as a lost machine; status messages say "exit code
// not reported by RunPod" (the job agent reports the code). A Pod stopped by hand in RunPod's
// console also reads EXITED; only the agent's report can tell that apart.
// ASSUMED (spec silent): getPod answers a Pod terminated moments ago with status
// TERMINATED (the PodStatus enum lists it: "pod has been permanently deleted") before it
// disappears; a 404 for a Pod we launched reads as lost (host gone, removed outside us).
//
// Ownership: every status read checks that the Pod carries this attempt's name
// (switchyard-<attemptId>) and env SWITCHYARD_ATTEMPT_ID; a Pod id that now holds some
// other workload is reported lost, never as this attempt's success.
// Host reliability: the v2 Pod and GpuType schemas expose no host id or reliability score.
// Pods are on-demand: v2's CreatePodRequest has no interruptible/spot field.
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
import { redactingLogin } from '../shared/registry-login.js';
import { catalogOffers, catalogProviderInfo, findEntry } from '../shared/cloud-catalog.js';
import type { HttpClient } from '../shared/http-client.js';
import { jsonHttp } from '../shared/http-json.js';
import { DEFAULT_RUNPOD_CATALOG, type RunPodCatalogEntry } from './catalog.js';
import { RunPodRegistries } from './registries.js';
import { shellJoin } from './shell.js';
import { NO_EXIT_CODE, podStatus, type RunPodPod } from './status.js';

export interface RunPodConfig {
  /** Provider name in Switchyard; default "runpod". */
  name?: string;
  apiKey: string;
  /** Default https://api.runpod.io (paths carry the /v2 prefix, as the spec writes them). */
  baseUrl?: string;
  catalog?: RunPodCatalogEntry[];
  containerDiskInGb?: number;
}

export { podStatus, type RunPodPod } from './status.js';

export const POD_NAME_PREFIX = 'switchyard-';
export const podNameFor = (attemptId: string): string => `${POD_NAME_PREFIX}${attemptId}`;

/** Runs the command, then stops the Pod on exit 0 or terminates it otherwise: the outcome shows in `status` and the GPU stops billing either way. */
export const WRAPPER_SCRIPT =
  '"$@"; code=$?; if [ "$code" -eq 0 ]; then runpodctl stop pod "$RUNPOD_POD_ID"; ' +
  'else runpodctl remove pod "$RUNPOD_POD_ID"; fi; exit "$code"';

/** The `args` string for a command: `sh -c WRAPPER switchyard <command…>`, shell-quoted. */
export const podArgsFor = (command: string[]): string => shellJoin(['sh', '-c', WRAPPER_SCRIPT, 'switchyard', ...command]);

/** RFC 9457 body (ErrorResponse): detail, then title. */
const errorMessage = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { detail?: unknown; title?: unknown; errors?: unknown };
  const extra = Array.isArray(b.errors) && b.errors.length > 0 ? ` (${b.errors.join('; ')})` : '';
  if (typeof b.detail === 'string') return `${b.detail}${extra}`;
  return typeof b.title === 'string' ? `${b.title}${extra}` : undefined;
};

const owns = (pod: RunPodPod, attemptId: string): boolean =>
  pod.name === podNameFor(attemptId) && pod.env?.SWITCHYARD_ATTEMPT_ID === attemptId;

export class RunPodProvider implements Provider {
  readonly name: string;
  readonly kind = 'cloud' as const;
  readonly billing = { startsAt: 'launch', unitSeconds: 1 } as const; // docs/providers/runpod.md: "You'll start paying for the Pod as soon as it's built"; granularity unconfirmed (ASSUMPTION)
  private readonly http: HttpClient;
  private readonly catalog: RunPodCatalogEntry[];
  private readonly registries: RunPodRegistries;

  constructor(private readonly config: RunPodConfig) {
    this.name = config.name ?? 'runpod';
    this.catalog = config.catalog ?? DEFAULT_RUNPOD_CATALOG;
    this.http = jsonHttp({
      name: this.name,
      baseUrl: config.baseUrl ?? 'https://api.runpod.io',
      token: config.apiKey,
      errorMessage,
      // ASSUMED: v2's capacity `detail` keeps the wording RunPod's GraphQL API and runpodctl use.
      capacityPattern: /no longer any instances available|not enough free GPUs|no capacity/i,
    });
    this.registries = new RunPodRegistries(this.http, this.name);
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
    if (!entry) throw new ProviderError('permanent', `${this.name}: no catalog entry ${request.offer.offerId}`);
    const existing = await this.findByAttempt(request.attemptId);
    if (existing) return { providerRef: existing.id };
    const registry = request.imageCredentials ? await this.registries.ensure(request.attemptId, request.imageCredentials) : undefined;
    try {
      return await this.createPod(request, entry, registry);
    } catch (error) {
      // No Pod (or one that landed unseen: deleteRegistry then refuses with 400, and cancel retries).
      if (registry) await this.registries.remove(request.attemptId).catch(() => undefined);
      throw error;
    }
  }

  private async createPod(request: LaunchRequest, entry: RunPodCatalogEntry, registry: string | undefined): Promise<LaunchResult> {
    const { body } = await this.http.request('POST', '/v2/pods', {
      body: {
        name: podNameFor(request.attemptId),
        image: request.image,
        cloud: entry.cloudType,
        gpu: { id: entry.gpuTypeId, count: request.offer.gpuCount },
        args: podArgsFor(request.command),
        env: { ...request.env, SWITCHYARD_ATTEMPT_ID: request.attemptId, SWITCHYARD_JOB_ID: request.jobId },
        disk: this.config.containerDiskInGb ?? 50,
        // CreatePodRequest `registry`: the credential id holding the private image's login.
        ...(registry ? { registry } : {}),
        // No `mounts`: a stopped Pod then keeps no persistent volume that bills.
      },
    });
    const id = (body as Partial<RunPodPod> | undefined)?.id;
    if (!id) throw new ProviderError('transient', `${this.name} POST /v2/pods: no pod id in the answer`);
    return { providerRef: id };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    if (!ref.providerRef) {
      const pod = await this.findByAttempt(ref.attemptId);
      if (!pod) throw new ProviderError('unknown-job', `${this.name}: no pod for attempt ${ref.attemptId}`);
      return podStatus(pod);
    }
    const pod = await this.getPod(ref.providerRef);
    if (!pod) {
      return { state: 'lost', providerFault: true, message: `pod ${ref.providerRef} no longer exists at RunPod; ${NO_EXIT_CODE}` };
    }
    if (!owns(pod, ref.attemptId)) {
      return {
        state: 'lost',
        providerFault: true,
        message: `pod ${ref.providerRef} does not carry attempt ${ref.attemptId} (name ${String(pod.name)}): not this attempt's machine`,
      };
    }
    return podStatus(pod);
  }

  /** Idempotent: terminating a Pod that is already gone is success. */
  async cancel(ref: AttemptRef): Promise<void> {
    const pod = ref.providerRef ? await this.getPod(ref.providerRef) : await this.findByAttempt(ref.attemptId);
    // Never terminate a Pod that is not this attempt's (an id reused for another workload).
    if (pod && owns(pod, ref.attemptId) && pod.status !== 'TERMINATED') {
      await this.http.request('DELETE', `/v2/pods/${encodeURIComponent(pod.id)}`, { allow: [404] });
    }
    // The attempt's registry credential (private images), once no Pod of its uses it.
    await this.registries.remove(ref.attemptId);
  }

  /**
   * For the orphan sweep: every Pod this Switchyard launched that still exists (running or
   * stopped), and every registry credential named by our convention whose Pod is gone (a
   * crash between createRegistry and the Pod's delete). The sweep cancels the refs whose
   * attempt is no longer live; cancel deletes the Pod, then the credential.
   */
  async listOwned(): Promise<AttemptRef[]> {
    const pods = (await this.listPods()).flatMap((p) => {
      const attemptId = p.env?.SWITCHYARD_ATTEMPT_ID;
      return attemptId && owns(p, attemptId) && p.status !== 'TERMINATED' ? [{ attemptId, providerRef: p.id }] : [];
    });
    const withPod = new Set(pods.map((p) => p.attemptId));
    const credentials = (await this.registries.ownedAttemptIds()).filter((id) => !withPod.has(id)).map((attemptId) => ({ attemptId }));
    return [...pods, ...credentials];
  }

  private async getPod(podId: string): Promise<RunPodPod | undefined> {
    const { status, body } = await this.http.request('GET', `/v2/pods/${encodeURIComponent(podId)}`, { allow: [404] });
    return status === 404 ? undefined : (body as RunPodPod);
  }

  private async listPods(): Promise<RunPodPod[]> {
    const { body } = await this.http.request('GET', '/v2/pods');
    const pods = (body as { pods?: unknown } | undefined)?.pods;
    return Array.isArray(pods) ? (pods as RunPodPod[]) : [];
  }

  /** The attempt's Pod, by its derived name and env var (listPods has no name filter in v2). */
  private async findByAttempt(attemptId: string): Promise<RunPodPod | undefined> {
    return (await this.listPods()).find((p) => owns(p, attemptId));
  }
}

export const createRunPodProvider = (config: RunPodConfig): RunPodProvider => new RunPodProvider(config);
