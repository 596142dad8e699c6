// Leases keep other dispatchers off a job while one is placing it (./dispatch.ts) and make a
// job waiting for capacity wait out its backoff (./capacity-wait.ts). A lease is only as good
// as the process that holds it: where Switchyard is the one process that dispatches (local
// mode), everything it had in hand when it was killed died with it, so what it wrote before
// its own start (leases, launches without a handle yet, enqueues) is void, and jobs are taken
// up again at once instead of after the lease runs out. In AWS another invocation may still be
// mid-launch: `soleDispatcherSince` stays unset there and every lease holds until it ends.
import type { Attempt, Job } from './job.js';

export interface LeaseConfig {
  /** How long a claim keeps other dispatchers off a job. */
  leaseSeconds: number;
  /** Set only where this process is the one dispatcher: when it started (ISO). */
  soleDispatcherSince?: string;
}

/** Whether a write made at `at` may belong to a dispatcher that is still alive. */
export const writtenByLiveDispatcher = (config: LeaseConfig, at: string): boolean =>
  config.soleDispatcherSince === undefined || Date.parse(at) >= Date.parse(config.soleDispatcherSince);

/** The job's lease still holds: not run out, and taken (the job's last write) by a live dispatcher. */
export const leaseHeld = (config: LeaseConfig, job: Job, now: Date): boolean =>
  job.leaseUntil !== undefined && Date.parse(job.leaseUntil) > now.getTime() && writtenByLiveDispatcher(config, job.updatedAt);

/** Touched so recently that its enqueue is surely still on its way (and was sent by a live process). */
export const recentlyTouched = (config: LeaseConfig, job: Job, now: Date, requeueAfterSeconds: number): boolean =>
  job.capacityWait === undefined && now.getTime() - Date.parse(job.updatedAt) < requeueAfterSeconds * 1000 && writtenByLiveDispatcher(config, job.updatedAt);

/** A launch with no handle yet that its dispatcher may still be in: within the lease, by a live one. */
export const launchMayBeInFlight = (config: LeaseConfig, attempt: Attempt, now: Date): boolean =>
  attempt.status === 'launching' && now.getTime() - Date.parse(attempt.createdAt) < config.leaseSeconds * 1000 && writtenByLiveDispatcher(config, attempt.createdAt);
