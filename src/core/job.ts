// The job model: what a customer asks for, and the record Switchyard keeps of it.
// Pure types and rules; no I/O.
import type { SealedLaunchState } from './launch-state.js';

export const JOB_STATUSES = [
  'queued',
  'placing',
  'starting',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
]);

export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.has(status);

export type PlacementStrategy = 'cheapest' | 'fastest' | 'balanced';
export type Fallback = 'cloud' | 'none';

export interface GpuRequest {
  models: string[];
  count: number;
  minVramGb?: number;
}

export interface JobSpec {
  image: string;
  command: string[];
  env?: Record<string, string>;
  resources: { gpu: GpuRequest; cpu?: number; memoryGb?: number };
  maxDurationSeconds: number;
  maxPricePerGpuHourUsd: number;
  placement: {
    strategy: PlacementStrategy;
    networks?: string[];
    fallback: Fallback;
    /** Only offers in one of these regions (as the provider names them); any region when unset. */
    regions?: string[];
  };
  webhookUrl?: string;
  /** For people: a label (at most 128 characters), filterable in listings. */
  name?: string;
  /** For people and tools: Stripe-style string pairs (at most 50 keys), filterable in listings. */
  metadata?: Record<string, string>;
  /** Environment variable → name of a tenant secret; the values reach only the agent, at start. */
  secrets?: Record<string, string>;
  /** Name of a tenant secret holding registry credentials for a private image. */
  imageCredentials?: string;
  /**
   * How long the job may wait, in total per wait, for capacity when every offer it may run
   * on refuses it for lack of capacity (or its networks are out of rotation); default 24 h.
   */
  maxQueueSeconds?: number;
  /** What the command leaves in this folder is uploaded at exit ($SWITCHYARD_OUTPUTS_DIR). */
  outputs?: { path: string };
  /** Saved every `everySeconds` and at SIGTERM; restored before the next attempt starts ($SWITCHYARD_CHECKPOINT_DIR). */
  checkpoint?: { path: string; everySeconds: number };
  /** Finish by this instant (ISO 8601); placement keeps the job on schedule (./deadline.ts). */
  deadline?: string;
  /** Or: finish within this many seconds of submission (not both). */
  maxWallClockSeconds?: number;
  /** With a deadline or strategy "fastest": launch a second offer when the first is late to start (./hedge.ts). */
  hedge?: boolean;
}

/** What a listing may be narrowed to, besides status. */
export interface JobFilter {
  name?: string;
  /** Every pair must match. */
  metadata?: Record<string, string>;
}

export type AttemptStatus = 'launching' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelling' | 'cancelled' | 'timed_out';

export const LIVE_ATTEMPT_STATUSES: ReadonlySet<AttemptStatus> = new Set(['launching', 'starting', 'running']);

export interface Attempt {
  id: string;
  provider: string;
  offerId: string;
  gpuModel: string;
  /** The provider's price (internal: cost, never shown to the customer). */
  pricePerGpuHourUsd: number;
  /** The customer's price per GPU-hour at placement (µUSD, margin or rate card applied); the one the API shows. */
  customerPricePerGpuHourMicroUsd?: number;
  status: AttemptStatus;
  createdAt: string;
  /** Handle the provider gave us at launch (deployment id, instance id, …). */
  providerRef?: string;
  /** The machine the offer named (Offer.hostId, e.g. Vast.ai's machine_id): its outcome counts for that host too (internal). */
  hostId?: string;
  startedAt?: string;
  endedAt?: string;
  reason?: string;
  exitCode?: number;
  /** Who reported exitCode: the job agent (wins) or the provider's status. */
  exitCodeSource?: 'agent' | 'provider';
  /** What decided the machine was lost: its agent's heartbeats stopped, or the provider said so. */
  lostBy?: 'heartbeat' | 'provider';
  outputTail?: string;
  /**
   * Set when the launch was refused for lack of capacity, or failed only transiently (5xx, 429,
   * timeout, after the retries of ../core/launch-retry.ts): neither uses failover budget.
   */
  refusedFor?: 'capacity' | 'transient';
  /** When the provider confirmed the attempt's resource is gone (nothing bills after this). */
  releasedAt?: string;
  /** Stop requests sent since the attempt ended, while the provider has not confirmed. */
  releaseTries?: number;
  /** The reconciler sends the next stop request on its first pass after this instant. */
  nextReleaseAt?: string;
  /** Why the last stop request did not confirm the release (internal; not shown to customers). */
  releaseNote?: string;
  /** The checkpoint this attempt's agent was handed to restore at start. */
  resumedFrom?: { savedAt: string; sizeBytes: number; attemptId: string };
  /** A hedged start (./hedge.ts): the second attempt launched while the first was late; 'lost' once stopped because the other ran first. */
  hedge?: 'second' | 'lost';
  /** Given up by Switchyard while late to start, to move a deadline job to a reliable offer (./pending-start.ts): spends no try. */
  movedOff?: 'late-start';
  /** An unfinished launch's state (Akash: an open auction's manifest), sealed; dropped once the attempt leaves `starting` (./launch-state.ts). */
  launchState?: SealedLaunchState;
}

/** The job's latest committed checkpoint (one .tar.gz in the checkpoints bucket). */
export interface CheckpointRecord {
  key: string;
  sizeBytes: number;
  savedAt: string;
  /** The attempt whose agent saved it. */
  attemptId: string;
}

export interface Job {
  id: string;
  tenantId: string;
  status: JobStatus;
  /** Bumped on every write; every write is conditional on the version it read. */
  version: number;
  spec: JobSpec;
  attempts: Attempt[];
  createdAt: string;
  updatedAt: string;
  /** Seq of the last event in the timeline. */
  eventSeq: number;
  /** A dispatcher that claimed the job holds it until this instant. */
  leaseUntil?: string;
  reason?: string;
  /** Set once the finished job's usage has been settled (charged, hold released). */
  settledAt?: string;
  /** Since when the job has been waiting for capacity, and how many tries it has waited (./capacity-wait.ts). */
  capacityWait?: { since: string; tries: number };
  /** What the customer pays for the job, in micro-dollars, once settled. */
  costMicroUsd?: number;
  /** The latest checkpoint; the next attempt, on any provider, starts from it. */
  checkpoint?: CheckpointRecord;
}

/** `release`: the provider confirmed an ended attempt's resource is gone (`to` is "released"). */
export type JobEventType = 'status' | 'attempt' | 'release';

export interface JobEvent {
  jobId: string;
  /** Position in the job's timeline, 1-based, gap-free. */
  seq: number;
  at: string;
  type: JobEventType;
  from?: string;
  to: string;
  attemptId?: string;
  provider?: string;
  reason?: string;
}

export const liveAttempt = (job: Job): Attempt | undefined =>
  job.attempts.find((a) => LIVE_ATTEMPT_STATUSES.has(a.status));

/** Every live attempt: one, or two while a hedged start races (./hedge.ts). */
export const liveAttempts = (job: Job): Attempt[] => job.attempts.filter((a) => LIVE_ATTEMPT_STATUSES.has(a.status));

/** An attempt that ended (any way) whose provider resource is not yet confirmed gone. */
export const awaitingRelease = (attempt: Attempt): boolean =>
  attempt.releasedAt === undefined && attempt.status !== 'cancelling' && !LIVE_ATTEMPT_STATUSES.has(attempt.status);

/**
 * A job the reconciler must still look at: not finished, finished with a provider
 * resource to stop or to see released, or finished but not yet settled.
 */
export const needsReconcile = (job: Job): boolean =>
  !isTerminal(job.status) ||
  job.settledAt === undefined ||
  job.attempts.some((a) => a.status === 'cancelling' || LIVE_ATTEMPT_STATUSES.has(a.status) || awaitingRelease(a));
