// Business metrics from the job path, read off what is actually written: a JobStore decorator
// counts a job when its create or change is committed (a write that loses a race counts
// nothing), so the numbers match the timeline. Pure: the sink decides where they go
// (CloudWatch EMF through Powertools in Lambda, nothing locally).
import type { Job, JobEvent, JobFilter, JobStatus } from '../core/job.js';
import type { HoldWrite, IdempotencyRecord, JobPage, JobStore, PassShard } from '../core/ports.js';
import type { JobWrite } from '../core/transitions.js';

export type JobCountMetric = 'JobsSubmitted' | 'JobsPlaced' | 'JobsFailedOver' | 'JobsSucceeded' | 'JobsFailed' | 'JobsTimedOut' | 'JobsCancelled';
/** Submit to the first launch recorded: how long a job waited for the dispatcher and placement. */
export type JobLatencyMetric = 'DispatchLatency';

export interface JobMetricsSink {
  count(metric: JobCountMetric): void;
  latencyMs(metric: JobLatencyMetric, ms: number): void;
}

const ENDED: Partial<Record<string, JobCountMetric>> = { succeeded: 'JobsSucceeded', failed: 'JobsFailed', timed_out: 'JobsTimedOut', cancelled: 'JobsCancelled' };

/** What one committed change means in metrics. Exported for tests. */
export const metricsOfChange = (job: Job, events: JobEvent[], sink: JobMetricsSink): void => {
  for (const event of events) {
    if (event.type === 'attempt' && event.to === 'launching') {
      const index = job.attempts.findIndex((a) => a.id === event.attemptId);
      sink.count('JobsPlaced');
      if (index > 0) sink.count('JobsFailedOver');
      else sink.latencyMs('DispatchLatency', Date.parse(event.at) - Date.parse(job.createdAt));
    }
    if (event.type === 'status') {
      const ended = ENDED[event.to];
      if (ended) sink.count(ended);
    }
  }
};

export class MeteredJobStore implements JobStore {
  constructor(
    private readonly inner: JobStore,
    private readonly sink: JobMetricsSink,
  ) {}

  async create(job: Job, event: JobEvent, idempotency?: { key: string; requestHash: string }, hold?: HoldWrite): Promise<void> {
    await this.inner.create(job, event, idempotency, hold);
    this.sink.count('JobsSubmitted');
  }

  async write(change: JobWrite): Promise<void> {
    await this.inner.write(change);
    metricsOfChange(change.job, change.events, this.sink);
  }

  get(jobId: string): Promise<Job | undefined> {
    return this.inner.get(jobId);
  }
  findIdempotent(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.inner.findIdempotent(tenantId, key);
  }
  getForTenant(tenantId: string, jobId: string): Promise<Job | undefined> {
    return this.inner.getForTenant(tenantId, jobId);
  }
  list(tenantId: string, opts: { status?: JobStatus; filter?: JobFilter; limit: number; cursor?: string }): Promise<JobPage> {
    return this.inner.list(tenantId, opts);
  }
  events(jobId: string): Promise<JobEvent[]> {
    return this.inner.events(jobId);
  }
  needingReconcile(limit: number): Promise<Job[]> {
    return this.inner.needingReconcile(limit);
  }
  needingReconcilePage(limit: number, cursor?: string, shard?: PassShard): Promise<{ jobs: Job[]; cursor?: string }> {
    return this.inner.needingReconcilePage(limit, cursor, shard);
  }
}
