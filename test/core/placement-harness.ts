// An in-memory JobStore and queue with the same contract as the DynamoDB ones (versioned
// conditional writes, gap-free timelines, copies in and out), so property tests can run
// thousands of dispatch/reconcile steps through the real core without a database.
import type { Job, JobEvent, JobStatus } from '../../src/core/job.js';
import { needsReconcile } from '../../src/core/job.js';
import { ConflictError, type IdempotencyRecord, type JobPage, type JobQueue, type JobStore } from '../../src/core/ports.js';
import type { JobWrite } from '../../src/core/transitions.js';

export class MemoryJobStore implements JobStore {
  readonly jobs = new Map<string, Job>();
  readonly timeline = new Map<string, JobEvent[]>();

  async create(job: Job, event: JobEvent): Promise<void> {
    await Promise.resolve(); // yield like a network call, so racing callers interleave
    if (this.jobs.has(job.id)) throw new ConflictError('a job with this id already exists');
    this.jobs.set(job.id, structuredClone(job));
    this.timeline.set(job.id, [structuredClone(event)]);
  }

  async get(jobId: string): Promise<Job | undefined> {
    await Promise.resolve();
    const job = this.jobs.get(jobId);
    return job ? structuredClone(job) : undefined;
  }

  async findIdempotent(): Promise<IdempotencyRecord | undefined> {
    return undefined;
  }

  async getForTenant(tenantId: string, jobId: string): Promise<Job | undefined> {
    const job = await this.get(jobId);
    return job?.tenantId === tenantId ? job : undefined;
  }

  async list(tenantId: string, opts: { status?: JobStatus; limit: number }): Promise<JobPage> {
    const items = [...this.jobs.values()].filter((j) => j.tenantId === tenantId && (!opts.status || j.status === opts.status));
    return { items: items.slice(0, opts.limit).map((j) => structuredClone(j)) };
  }

  async write(change: JobWrite): Promise<void> {
    await Promise.resolve();
    const current = this.jobs.get(change.job.id);
    if (!current || current.version !== change.expectedVersion) throw new ConflictError();
    const events = this.timeline.get(change.job.id)!;
    for (const e of change.events) {
      if (e.seq !== events.length + 1) throw new Error(`timeline gap: event ${e.seq} after ${events.length}`);
      events.push(structuredClone(e));
    }
    this.jobs.set(change.job.id, structuredClone(change.job));
  }

  async events(jobId: string): Promise<JobEvent[]> {
    return structuredClone(this.timeline.get(jobId) ?? []);
  }

  async needingReconcilePage(limit: number, cursor?: string): Promise<{ jobs: Job[]; cursor?: string }> {
    const all = await this.needingReconcile(Number.MAX_SAFE_INTEGER);
    const from = cursor ? Number(cursor) : 0;
    const jobs = all.slice(from, from + limit);
    return from + limit < all.length ? { jobs, cursor: String(from + limit) } : { jobs };
  }

  async needingReconcile(limit: number): Promise<Job[]> {
    return [...this.jobs.values()]
      .filter(needsReconcile)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
      .slice(0, limit)
      .map((j) => structuredClone(j));
  }
}

export class MemoryQueue implements JobQueue {
  messages: string[] = [];
  async send(message: { jobId: string }): Promise<void> {
    this.messages.push(message.jobId);
  }
  drain(): string[] {
    const out = this.messages;
    this.messages = [];
    return out;
  }
}
