// How `run --follow` words the timeline: placement, failover, and the exit code it ends with.
// The events below are the ones a real failover produced (ionet refused, akash took it).
import { describe, expect, it } from 'vitest';
import { describeEvent, exitCodeOf } from '../../packages/client/src/cli/follow.js';
import type { Job, JobEvent } from '../../packages/client/src/index.js';

const attempt = (id: string, provider: string, extra: Record<string, unknown> = {}) =>
  ({ id, provider, status: 'failed', gpuModel: 'A100-80GB', pricePerGpuHourMicroUsd: 1_092_500, createdAt: '2026-12-01T22:30:00.000Z', ...extra }) as unknown as Job['attempts'][number];
const job = (status: string, attempts: Job['attempts']) => ({ id: 'job_1', status, attempts }) as unknown as Job;
const event = (e: Record<string, unknown>) => ({ seq: 1, at: '2026-12-01T22:30:00.000Z', ...e }) as JobEvent;

describe('describeEvent', () => {
  const j = job('running', [attempt('job_1-a1', 'ionet'), attempt('job_1-a2', 'akash', { status: 'running' })]);

  it('says where the job was placed, on which GPU and at what price', () => {
    expect(describeEvent(event({ type: 'attempt', to: 'launching', attemptId: 'job_1-a2', provider: 'akash', reason: 'launching on akash' }), j)).toBe(
      'placed on akash A100-80GB at $1.0925/GPU-h [job_1-a2] (launching on akash)',
    );
  });

  it('calls a return to placing after an attempt a failover, with its reason', () => {
    expect(describeEvent(event({ type: 'status', from: 'starting', to: 'placing', reason: 'trying the next offer after ionet refused' }), j)).toBe(
      'failover: looking for the next offer (trying the next offer after ionet refused)',
    );
    expect(describeEvent(event({ type: 'status', from: 'queued', to: 'placing' }), j)).toBe('job queued → placing');
  });

  it('shows attempt changes with the provider', () => {
    expect(describeEvent(event({ type: 'attempt', from: 'launching', to: 'failed', attemptId: 'job_1-a1', provider: 'ionet', reason: 'capacity' }), j)).toBe(
      'attempt on ionet: launching → failed (capacity)',
    );
  });
});

describe('exitCodeOf', () => {
  it("is the last attempt's exit code, or 1 for a job that did not succeed without one", () => {
    expect(exitCodeOf(job('succeeded', [attempt('a1', 'local', { exitCode: 0 })]))).toBe(0);
    expect(exitCodeOf(job('failed', [attempt('a1', 'ionet'), attempt('a2', 'local', { exitCode: 42 })]))).toBe(42);
    expect(exitCodeOf(job('failed', [attempt('a1', 'ionet')]))).toBe(1);
    expect(exitCodeOf(job('timed_out', [attempt('a1', 'local', { exitCode: 0 })]))).toBe(1);
    expect(exitCodeOf(job('cancelled', []))).toBe(1);
  });
});
