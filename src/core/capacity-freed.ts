// Capacity that frees up wakes the jobs waiting for it. A job waiting for capacity sleeps
// through its backoff (up to 5 min, ./capacity-wait.ts); when a reconcile pass ends an
// attempt on a provider (its machine stopped or lost), that provider may have room again,
// so at the end of the pass up to as many waiting jobs as it freed machines, longest
// waiting first, lose their backoff and are enqueued now. Jobs are woken only where they
// may run (the same eligibility as placement), and the wake is a conditional write: a job
// that moved on meanwhile is left alone.
import type { Job } from './job.js';
import { ConflictError, type JobQueue, type JobStore } from './ports.js';
import { eligibleProviders } from './placement.js';
import type { ProviderRegistry } from './provider.js';
import { JobChange } from './transitions.js';

export interface WakeDeps {
  store: Pick<JobStore, 'get' | 'write'>;
  queue: Pick<JobQueue, 'send'>;
  providers: ProviderRegistry;
}

export class FreedCapacity {
  private readonly freed = new Map<string, number>();
  private readonly waiting = new Map<string, Job>();

  /** An attempt on `provider` ended in this pass: one machine may be free there. */
  ended(provider: string): void {
    this.freed.set(provider, (this.freed.get(provider) ?? 0) + 1);
  }

  /** A queued job sleeping through its capacity backoff, as the pass listed it. */
  sleeping(job: Job): void {
    if (job.status === 'queued' && job.capacityWait) this.waiting.set(job.id, job);
  }

  /** Wake the longest-waiting jobs that may run where machines were freed; returns how many woke. */
  async wake(deps: WakeDeps, now: Date): Promise<number> {
    if (this.freed.size === 0 || this.waiting.size === 0) return 0;
    const all = deps.providers.all();
    const queue = [...this.waiting.values()].sort((a, b) => a.capacityWait!.since.localeCompare(b.capacityWait!.since));
    let woken = 0;
    for (const listed of queue) {
      const where = eligibleProviders(all, listed.spec, new Set(), { now }).map((p) => p.name);
      const room = where.find((name) => (this.freed.get(name) ?? 0) > 0);
      if (!room) continue;
      if (!(await wakeOne(deps, listed.id, now))) continue;
      this.freed.set(room, this.freed.get(room)! - 1);
      woken++;
    }
    return woken;
  }
}

/** Lift the job's backoff and enqueue it, if it is still waiting for capacity. */
const wakeOne = async (deps: WakeDeps, jobId: string, now: Date): Promise<boolean> => {
  const job = await deps.store.get(jobId);
  if (!job || job.status !== 'queued' || !job.capacityWait || !job.leaseUntil || Date.parse(job.leaseUntil) <= now.getTime()) return false;
  try {
    await deps.store.write(new JobChange(job, now.toISOString()).lease(undefined).build());
  } catch (error) {
    if (error instanceof ConflictError) return false; // moved on meanwhile
    throw error;
  }
  await deps.queue.send({ jobId });
  return true;
};
