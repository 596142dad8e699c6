// The Provider port: one adapter per network or cloud. Adapters translate between this
// shape and each provider's own API; the core only ever sees these types.
import type { GpuRequest } from './job.js';

export type ProviderKind = 'decentralized' | 'cloud' | 'local';

export interface Offer {
  provider: string;
  /** The provider's own id for what is offered (a machine, a market, a bid, an instance type). */
  offerId: string;
  gpuModel: string;
  gpuCount: number;
  vramGb: number;
  pricePerGpuHourUsd: number;
  region?: string;
  /** The provider's own estimate, or ours from its history. */
  expectedStartSeconds: number;
  /** The provider's id for the physical machine behind the offer (Vast.ai: `machine_id`), where it gives one. */
  hostId?: string;
  /** The provider's own reliability score for that machine, 0..1 (Vast.ai: `reliability`), where it gives one. */
  hostReliability?: number;
}

export interface OfferQuery {
  gpu: GpuRequest;
  maxPricePerGpuHourUsd: number;
  regions?: string[];
}

export interface LaunchRequest {
  /** Switchyard's attempt id; providers use it as a client token so a retried launch is not a second launch. */
  attemptId: string;
  jobId: string;
  offer: Offer;
  image: string;
  command: string[];
  env: Record<string, string>;
  maxDurationSeconds: number;
  /** The job's price ceiling, for providers that bid (Akash) or take a max price. */
  maxPricePerGpuHourUsd?: number;
  /** CPU and memory the job asked for, for providers that size containers. */
  resources?: { cpu?: number; memoryGb?: number };
  /**
   * Registry login for a private image (from the tenant secret spec.imageCredentials names).
   * Adapters hand it only to the provider's registry-auth field, never to env or logs;
   * an adapter whose provider cannot take a literal login refuses the launch (permanent).
   */
  imageCredentials?: RegistryLogin;
  /**
   * The core can keep an unfinished launch's state (LaunchResult.launchState) and hand it back
   * on later status reads; an adapter whose launch waits on the provider (Akash's auction) may
   * then return before it is done instead of waiting inside the call.
   */
  mayFinishLater?: boolean;
}

export interface RegistryLogin {
  username: string;
  password: string;
  /** The registry host, when the secret names one. */
  server?: string;
}

export interface LaunchResult {
  providerRef: string;
  /**
   * Set when the launch is not finished (only if the request said mayFinishLater): what the
   * adapter needs to finish it on a later status read (Akash: the manifest the lease needs).
   * It may hold the job's env and registry login: the core stores it sealed (./launch-state.ts)
   * and hands it back in AttemptRef.launchState while the attempt is starting.
   */
  launchState?: string;
}

export type ProviderState = 'pending' | 'running' | 'succeeded' | 'failed' | 'lost';

export interface ProviderStatus {
  state: ProviderState;
  exitCode?: number;
  message?: string;
  outputTail?: string;
  /** Provider fault (capacity gone, machine lost) rather than the workload's own failure. */
  providerFault?: boolean;
  /** The attempt ended without ever getting a machine, for lack of capacity: the job waits for capacity as after a refused launch. */
  noCapacity?: boolean;
  /**
   * Pending because the provider has no machine for it yet (its market's queue), not a hung
   * start: a start deadline missed so is a wait for capacity, not the provider's failure.
   */
  queuedForCapacity?: boolean;
  timedOut?: boolean;
  /**
   * What the provider says of the machine itself, apart from the workload: still held,
   * being stopped, or gone (destroyed, closed, terminated; nothing bills). Adapters that
   * can tell should set it: the core's release check trusts it over `state`.
   */
  resource?: 'held' | 'stopping' | 'gone';
}

/** What a provider says of an ended attempt's resource after a stop request (Provider.release). */
export type ReleaseState = 'released' | 'pending';

export interface AttemptRef {
  attemptId: string;
  providerRef?: string;
  /** The unfinished launch's state the adapter returned (LaunchResult.launchState), on the reconciler's reads only. */
  launchState?: string;
}

/** One attempt's answer in a batched status read: its status, or the error status() would have thrown for it. */
export type StatusAnswer = { status: ProviderStatus } | { error: ProviderError };

/** Each ref read on its own through `status` into `answers`: a provider's answer or refusal per attempt; anything else throws. */
export const answerEach = async (
  refs: readonly AttemptRef[],
  status: (ref: AttemptRef) => Promise<ProviderStatus>,
  answers: Map<string, StatusAnswer> = new Map(),
): Promise<Map<string, StatusAnswer>> => {
  for (const ref of refs) {
    try {
      answers.set(ref.attemptId, { status: await status(ref) });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      answers.set(ref.attemptId, { error });
    }
  }
  return answers;
};

/** How many refs a statusMany call takes when the adapter does not say (AWS Batch DescribeJobs' limit). */
export const DEFAULT_STATUS_BATCH_SIZE = 100;

export type ProviderErrorKind = 'capacity' | 'auth' | 'transient' | 'permanent' | 'unknown-job';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface CatalogEntry {
  gpuModel: string;
  vramGb: number;
  pricePerGpuHourUsd: number;
  regions?: string[];
}

export interface ProviderInfo {
  name: string;
  kind: ProviderKind;
  enabled: boolean;
  catalog: CatalogEntry[];
  health: 'healthy' | 'degraded' | 'down' | 'disabled';
  /** Why a provider is disabled (for example, no credentials). */
  note?: string;
}

/**
 * When a provider starts billing an attempt and in what unit: placement prices the wait
 * for a start (and a launch that hangs until the start deadline) only where billing
 * starts at launch, and rounds billed time up to the unit.
 */
export interface BillingTerms {
  startsAt: 'launch' | 'running';
  unitSeconds: number;
}

/** For adapters that declare nothing: assume the machine bills from launch, per second. */
export const DEFAULT_BILLING: BillingTerms = { startsAt: 'launch', unitSeconds: 1 };

export interface Provider {
  readonly name: string;
  readonly kind: ProviderKind;
  /** What the provider bills (each adapter cites its source); DEFAULT_BILLING when left out. */
  readonly billing?: BillingTerms;
  /** Only chosen when a job's placement.networks names it explicitly (the local runner). */
  readonly explicitOnly?: boolean;
  info(): ProviderInfo;
  offers(query: OfferQuery): Promise<Offer[]>;
  /**
   * For a live market with no price list (Vast.ai, Akash, io.net, Nosana), whose machines are
   * rented and freed all the time: whether it may sell what the query asks for later, so that
   * no fitting offer now is capacity taken, and a job waits for it rather than failing. Offers
   * from a static catalogue are judged from info().catalog instead (src/core/capacity-wait.ts).
   */
  mayOfferLater?(query: Pick<OfferQuery, 'gpu' | 'regions'>): boolean;
  launch(request: LaunchRequest): Promise<LaunchResult>;
  status(ref: AttemptRef): Promise<ProviderStatus>;
  /**
   * The status of many attempts in few calls (a list endpoint, DescribeJobs of 100), one
   * answer per ref keyed by attempt id, each judged exactly as status() judges it: the
   * ownership check (attempt id tag or name) applies per item, so a resource that does not
   * carry its attempt is 'lost', and an attempt the provider does not know is an
   * unknown-job error. Throws ProviderError when the read as a whole fails (429:
   * transient with retryAfterSeconds). Takes at most `statusBatchSize` refs. Optional:
   * the reconciler calls status() per attempt for adapters whose API has no list to read.
   */
  statusMany?(refs: AttemptRef[]): Promise<Map<string, StatusAnswer>>;
  /** Most refs one statusMany call takes (DEFAULT_STATUS_BATCH_SIZE when unset). */
  readonly statusBatchSize?: number;
  cancel(ref: AttemptRef): Promise<void>;
  logs?(ref: AttemptRef): Promise<string>;
  /**
   * Stop the attempt's resource and say whether the provider confirms it is gone.
   * Idempotent: called again on every reconcile pass until it answers 'released'.
   * - 'released': the provider says the resource no longer exists or has reached a
   *   terminal, non-billing state (destroyed, closed, terminated, deleted), or never
   *   existed (it must not answer this for a resource it merely cannot see right now).
   * - 'pending': the stop was accepted (or is under way) but the resource still exists.
   * Throws ProviderError when the stop could not be sent; `retryAfterSeconds` is honoured.
   * Optional: without it the core sends cancel() and then reads status(): released when
   * the provider no longer knows the attempt (unknown-job), or when `status.resource` says
   * 'gone', or (when the adapter does not set `resource`) when the state is terminal. That
   * last rule trusts that a stopped resource no longer reports a running workload; an
   * adapter whose status stays terminal while the machine still exists must implement
   * release() or set `resource`. See releaseAtProvider in src/core/release.ts.
   */
  release?(ref: AttemptRef): Promise<ReleaseState>;
  /**
   * Every resource Switchyard launched at this provider that still exists (found by the
   * name or label the adapter gave it at launch). The reconciler's orphan sweep stops
   * those no live attempt owns; a provider that cannot list leaves this out.
   */
  listOwned?(): Promise<AttemptRef[]>;
}

export interface ProviderRegistry {
  all(): Provider[];
  get(name: string): Provider | undefined;
}

export const registryOf = (providers: Provider[]): ProviderRegistry => {
  const byName = new Map(providers.map((p) => [p.name, p]));
  return { all: () => [...byName.values()], get: (name) => byName.get(name) };
};
