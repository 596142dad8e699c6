// What the agent routes (/v1/agent/…) need. Shared by the routes of this module
// (heartbeat, logs, exit) and the run-time routes (secrets, checkpoint, outputs).
import type { AgentStore } from '../../core/agent.js';
import type { Attempt, Job } from '../../core/job.js';
import type { RuntimeBuckets } from '../../core/object-store.js';
import type { AttemptCapability } from '../../agent/capability-token.js';
import type { RateLimiter } from '../../ratelimit/token-bucket.js';
import type { MaskedChunk } from '../../secrets/log-redaction.js';

export interface AgentApiDeps {
  /** HMAC key of attempt tokens: SWITCHYARD_AGENT_TOKEN_KEY in local mode, a Secrets Manager secret in AWS. */
  tokenKey: () => Promise<string | undefined>;
  store: AgentStore;
  /** logs (this module), outputs and checkpoints (the run-time routes). */
  buckets: RuntimeBuckets;
  /** Per-attempt request limit; none when unset. */
  rateLimiter?: RateLimiter;
  /**
   * How long after its attempt ended an agent may still report (final log flush, checkpoint
   * at SIGTERM, outputs, exit). Later requests get 409 attempt-ended. Default 300 s.
   */
  endedGraceSeconds?: number;
  /** GET /v1/jobs/{id}/logs?follow=true: how often it looks for new output (default 1000 ms) and for how long (default 900 s). */
  logsFollowPollMs?: number;
  logsFollowMaxSeconds?: number;
  /** Masks secret values; may hold back a tail that could be the start of one (unless `final`): store `bytes`, count `accepted`. */
  redactLogChunk?: (tenantId: string, jobId: string, refs: Record<string, string> | undefined, bytes: Uint8Array, final: boolean) => Promise<MaskedChunk>;
}

/** Set by requireAgentToken on every /v1/agent/… request: c.get('agent'). */
export interface AgentRequestContext {
  cap: AttemptCapability;
  /** The job as read when the request arrived (consistent read). */
  job: Job;
  attempt: Attempt;
  /** The attempt is launching, starting or running. False within the grace after it ended. */
  live: boolean;
}

export const DEFAULT_ENDED_GRACE_SECONDS = 300;
