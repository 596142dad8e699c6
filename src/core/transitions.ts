// The job state machine. A JobChange is built from the job as read, records every
// status and attempt change as a timeline event, and is then written by the store in
// one conditional write (version check), so a change is applied once or not at all.
import type { Attempt, CheckpointRecord, Job, JobEvent, JobStatus } from './job.js';
import { awaitingRelease, isTerminal } from './job.js';

const ALLOWED: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['placing', 'failed', 'cancelled'],
  // placing → queued: no capacity anywhere right now; the job waits with backoff (./capacity-wait.ts).
  placing: ['starting', 'failed', 'cancelled', 'queued'],
  starting: ['running', 'succeeded', 'failed', 'cancelled', 'timed_out', 'placing'],
  running: ['succeeded', 'failed', 'cancelled', 'timed_out', 'placing'],
  succeeded: [],
  failed: [],
  cancelled: [],
  timed_out: [],
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(`a job cannot move from ${from} to ${to}`);
  }
}

export const canTransition = (from: JobStatus, to: JobStatus): boolean => ALLOWED[from].includes(to);

export interface JobWrite {
  /** The version the change was built from; the write succeeds only if the stored job still has it. */
  expectedVersion: number;
  job: Job;
  events: JobEvent[];
}

export class JobChange {
  private readonly next: Job;
  private readonly events: JobEvent[] = [];

  constructor(
    private readonly current: Job,
    private readonly now: string,
  ) {
    this.next = structuredClone(current);
  }

  get job(): Readonly<Job> {
    return this.next;
  }

  status(to: JobStatus, reason?: string): this {
    const from = this.next.status;
    if (from === to) return this;
    if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
    this.next.status = to;
    if (reason !== undefined) this.next.reason = reason;
    if (isTerminal(to) || to === 'starting') delete this.next.leaseUntil;
    this.push({ type: 'status', from, to, reason });
    return this;
  }

  lease(until: string | undefined): this {
    if (until === undefined) delete this.next.leaseUntil;
    else this.next.leaseUntil = until;
    return this;
  }

  /** Record that the finished job's usage was settled. */
  settled(costMicroUsd: number): this {
    this.next.settledAt = this.now;
    this.next.costMicroUsd = costMicroUsd;
    return this;
  }

  /** Record the job's latest checkpoint (no event: saving is not a state change). */
  checkpoint(record: CheckpointRecord): this {
    this.next.checkpoint = structuredClone(record);
    return this;
  }

  /** Start or continue a wait for capacity; undefined ends it (the job was placed). */
  capacityWait(wait: { since: string; tries: number } | undefined): this {
    if (wait === undefined) delete this.next.capacityWait;
    else this.next.capacityWait = { ...wait };
    return this;
  }

  addAttempt(attempt: Attempt, reason?: string): this {
    this.next.attempts.push(structuredClone(attempt));
    this.push({ type: 'attempt', to: attempt.status, attemptId: attempt.id, provider: attempt.provider, reason });
    return this;
  }

  /** Patch an attempt; an event is recorded only when its status changes. */
  attempt(id: string, patch: Partial<Omit<Attempt, 'id' | 'provider'>>, reason?: string): this {
    const attempt = this.next.attempts.find((a) => a.id === id);
    if (!attempt) throw new Error(`job ${this.next.id} has no attempt ${id}`);
    const from = attempt.status;
    Object.assign(attempt, patch);
    // An unfinished launch's sealed state lives only while the attempt starts.
    if (patch.status !== undefined && patch.status !== 'launching' && patch.status !== 'starting') delete attempt.launchState;
    if (reason !== undefined && patch.status !== undefined) attempt.reason = reason;
    if (patch.status !== undefined && patch.status !== from) {
      this.push({ type: 'attempt', from, to: patch.status, attemptId: id, provider: attempt.provider, reason });
    }
    return this;
  }

  /**
   * Record that the provider confirmed an ended attempt's resource is gone, as a
   * `release` event. Once only: a repeat (a racing reconciler read the job earlier) adds nothing.
   */
  released(id: string, reason?: string): this {
    const attempt = this.next.attempts.find((a) => a.id === id);
    if (!attempt) throw new Error(`job ${this.next.id} has no attempt ${id}`);
    if (attempt.releasedAt !== undefined) return this;
    if (!awaitingRelease(attempt)) throw new Error(`attempt ${id} is ${attempt.status}: only an ended attempt is released`);
    attempt.releasedAt = this.now;
    delete attempt.nextReleaseAt;
    delete attempt.releaseNote;
    this.push({ type: 'release', from: attempt.status, to: 'released', attemptId: id, provider: attempt.provider, reason });
    return this;
  }

  /** A stop request that did not (yet) confirm the release: count it and say when to ask again. */
  releasePending(id: string, nextAt: string, note: string): this {
    const attempt = this.next.attempts.find((a) => a.id === id);
    if (!attempt) throw new Error(`job ${this.next.id} has no attempt ${id}`);
    if (attempt.releasedAt !== undefined) return this;
    attempt.releaseTries = (attempt.releaseTries ?? 0) + 1;
    attempt.nextReleaseAt = nextAt;
    attempt.releaseNote = note;
    return this;
  }

  get changed(): boolean {
    return this.events.length > 0 || JSON.stringify(this.next) !== JSON.stringify(this.current);
  }

  build(): JobWrite {
    return {
      expectedVersion: this.current.version,
      job: { ...this.next, version: this.current.version + 1, updatedAt: this.now },
      events: this.events,
    };
  }

  private push(e: Omit<JobEvent, 'jobId' | 'seq' | 'at'>): void {
    this.next.eventSeq += 1;
    const event: JobEvent = { jobId: this.next.id, seq: this.next.eventSeq, at: this.now, ...e };
    if (event.reason === undefined) delete event.reason;
    this.events.push(event);
  }
}
