import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, needsReconcile, type Job } from '../../src/core/job.js';
import { InvalidTransitionError, JobChange, canTransition } from '../../src/core/transitions.js';

const job = (status: Job['status'] = 'queued'): Job => ({
  id: 'job_1',
  tenantId: 't',
  status,
  version: 3,
  eventSeq: 4,
  spec: {
    image: 'i',
    command: ['c'],
    resources: { gpu: { models: ['H100'], count: 1 } },
    maxDurationSeconds: 10,
    maxPricePerGpuHourUsd: 1,
    placement: { strategy: 'cheapest', fallback: 'none' },
  },
  attempts: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('job state machine', () => {
  it('never leaves a terminal state', () => {
    for (const from of ['succeeded', 'failed', 'cancelled', 'timed_out'] as const) {
      for (const to of JOB_STATUSES) if (to !== from) expect(canTransition(from, to)).toBe(false);
      expect(() => new JobChange(job(from), 'now').status('running')).toThrow(InvalidTransitionError);
    }
  });

  it('numbers events after the last one and bumps the version once per write', () => {
    const write = new JobChange(job(), '2026-01-01T00:00:01.000Z')
      .status('placing', 'claimed')
      .addAttempt({ id: 'a1', provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'launching', createdAt: 'x' })
      .status('starting')
      .build();
    expect(write.expectedVersion).toBe(3);
    expect(write.job.version).toBe(4);
    expect(write.events.map((e) => [e.seq, e.type, e.to])).toEqual([
      [5, 'status', 'placing'],
      [6, 'attempt', 'launching'],
      [7, 'status', 'starting'],
    ]);
    expect(write.job.eventSeq).toBe(7);
  });

  it('records an attempt event only when its status changes, and leaves the input untouched', () => {
    const base = job('starting');
    base.attempts.push({ id: 'a1', provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'starting', createdAt: 'x' });
    const write = new JobChange(base, 'now').attempt('a1', { providerRef: 'ref' }).attempt('a1', { status: 'running' }, 'up').build();
    expect(write.events).toHaveLength(1);
    expect(write.events[0]).toMatchObject({ type: 'attempt', from: 'starting', to: 'running', reason: 'up' });
    expect(base.attempts[0]!.status).toBe('starting');
  });
});

describe('releasing an ended attempt', () => {
  const withAttempt = (status: Job['attempts'][number]['status'], extra: Partial<Job['attempts'][number]> = {}): Job => ({
    ...job('succeeded'),
    settledAt: '2026-01-01T00:00:00.000Z',
    attempts: [{ id: 'job_1-a1', provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status, createdAt: '2026-01-01T00:00:00.000Z', ...extra }],
  });

  it('records releasedAt once, as a release event, and lets the job leave the reconcile index', () => {
    const before = withAttempt('succeeded', { releaseTries: 2, nextReleaseAt: 'later', releaseNote: 'stopping' });
    expect(needsReconcile(before)).toBe(true);
    const write = new JobChange(before, '2026-01-01T00:05:00.000Z').released('job_1-a1', 'gone').build();
    expect(write.job.attempts[0]).toMatchObject({ releasedAt: '2026-01-01T00:05:00.000Z', releaseTries: 2 });
    expect(write.job.attempts[0]).not.toHaveProperty('nextReleaseAt');
    expect(write.job.attempts[0]).not.toHaveProperty('releaseNote');
    expect(write.events).toEqual([expect.objectContaining({ type: 'release', from: 'succeeded', to: 'released', attemptId: 'job_1-a1', seq: 5 })]);
    expect(needsReconcile(write.job)).toBe(false);
    const again = new JobChange(write.job, 'later').released('job_1-a1').build();
    expect(again.events).toEqual([]);
    expect(again.job.attempts[0]!.releasedAt).toBe('2026-01-01T00:05:00.000Z');
  });

  it('never releases an attempt that is still live or being cancelled', () => {
    for (const status of ['launching', 'starting', 'running', 'cancelling'] as const) {
      expect(() => new JobChange(withAttempt(status), 'now').released('job_1-a1')).toThrow(/only an ended attempt/);
    }
  });

  it('counts a stop that did not confirm and keeps the job in the index', () => {
    const write = new JobChange(withAttempt('failed'), 'now').releasePending('job_1-a1', 'soon', 'still stopping').build();
    expect(write.job.attempts[0]).toMatchObject({ releaseTries: 1, nextReleaseAt: 'soon', releaseNote: 'still stopping' });
    expect(write.events).toEqual([]);
    expect(needsReconcile(write.job)).toBe(true);
  });
});
