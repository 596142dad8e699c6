// What the job agent reports about an attempt, and the port that keeps it.
//
// Agent data lives apart from the job item (one item per attempt, see
// src/adapters/dynamodb/agent-store.ts): a heartbeat every 30 s or a log chunk every
// second must not bump the job's version and race every other writer of the job. The
// reconciler reads it when it looks at a live attempt (src/core/agent-signals.ts) and
// copies what matters (exit code and its source, how the attempt was lost) into the
// attempt with its usual conditional write.

import type { AgentLaunchConfig } from '../agent/launch.js';
import type { ObjectStore } from './object-store.js';
import type { Job } from './job.js';

/** The job agent as the dispatcher and reconciler see it. */
export interface AgentRuntimeDeps {
  launch: AgentLaunchConfig;
  store: AgentStore;
  /** A running attempt whose agent once sent heartbeats and then went quiet this long is lost. Default 180 s. */
  heartbeatGraceSeconds: number;
  /** The logs bucket: an attempt's output tail comes from it when the provider has none. */
  logs?: ObjectStore;
  /** Masks the job's secret values in an output tail before it is stored on the attempt. */
  redactOutput?: (job: Job, text: string) => Promise<string>;
}

export const DEFAULT_HEARTBEAT_GRACE_SECONDS = 180;

export interface AgentExit {
  exitCode: number;
  /** When the command ended, as the agent saw it. */
  endedAt: string;
  /** When the API received the report. */
  reportedAt: string;
}

export interface AgentRecord {
  tenantId: string;
  jobId: string;
  attemptId: string;
  /** Set by the first heartbeat: only attempts whose agent ever spoke are judged by heartbeats. */
  firstHeartbeatAt?: string;
  lastHeartbeatAt?: string;
  /** End of the contiguous log bytes received (the next offset the agent must send). */
  logBytes: number;
  /** The first exit report; later reports change nothing. */
  exit?: AgentExit;
}

export interface AttemptKey {
  tenantId: string;
  jobId: string;
  attemptId: string;
}

export type LogChunkResult = { accepted: true; logBytes: number } | { accepted: false; logBytes: number };

export interface AgentStore {
  get(jobId: string, attemptId: string): Promise<AgentRecord | undefined>;
  /** Many attempts' records in few reads, keyed by attempt id (absent: no record). Optional: get() per attempt otherwise. */
  getMany?(keys: { jobId: string; attemptId: string }[]): Promise<Map<string, AgentRecord>>;
  /** Every attempt's record of a job (any order). */
  forJob(jobId: string): Promise<AgentRecord[]>;
  heartbeat(key: AttemptKey, at: string): Promise<AgentRecord>;
  /**
   * Accept a chunk [offset, offset+length) when it starts at or before the end of what was
   * received (a repeat or an overlap is fine); one that would leave a gap is refused with
   * the end the agent must resend from.
   */
  recordLogChunk(key: AttemptKey, offset: number, length: number): Promise<LogChunkResult>;
  /** Record the exit once; returns the record with the exit that stands (the first). */
  recordExit(key: AttemptKey, exit: AgentExit): Promise<AgentRecord>;
}
