// The status mappers and Retry-After parsing on their own, for the branches the fakes
// do not drive: timeouts, misconfiguration, unknown states, HTTP-date Retry-After.
import { describe, expect, it } from 'vitest';
import { batchJobStatus } from '../../../src/providers/aws-batch/status.js';
import { gcpJobStatus } from '../../../src/providers/gcp-batch/status.js';
import { parseRetryAfter } from '../../../src/providers/shared/http-client.js';
import { podStatus } from '../../../src/providers/runpod/runpod-provider.js';

describe('AWS Batch status mapping', () => {
  it('marks an attempt-duration timeout as timed out, not a provider fault', () => {
    expect(batchJobStatus({ jobName: 'j', jobId: 'i', jobQueue: 'q', status: 'FAILED', statusReason: 'Job attempt duration exceeded timeout', startedAt: 1, jobDefinition: 'd', createdAt: 0 })).toMatchObject({ state: 'failed', timedOut: true });
  });

  it('treats a queue that can never place the job as a provider fault', () => {
    const s = batchJobStatus({ jobName: 'j', jobId: 'i', jobQueue: 'q', status: 'FAILED', statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - no instance fits', startedAt: 1, jobDefinition: 'd', createdAt: 0 });
    expect(s).toMatchObject({ state: 'failed', providerFault: true });
  });

  it('takes the exit code from the last attempt when the container has none', () => {
    const s = batchJobStatus({ jobName: 'j', jobId: 'i', jobQueue: 'q', status: 'FAILED', statusReason: 'Essential container in task exited', attempts: [{ container: { exitCode: 9 } }], startedAt: 1, jobDefinition: 'd', createdAt: 0 });
    expect(s).toMatchObject({ state: 'failed', exitCode: 9, providerFault: false });
  });
});

describe('GCP Batch status mapping', () => {
  it('maps reserved exit code 50005 (maxRunDuration) to a timeout', () => {
    expect(gcpJobStatus({ status: { state: 'FAILED', statusEvents: [{ taskExecution: { exitCode: 50005 } }] } })).toMatchObject({ state: 'failed', timedOut: true, exitCode: 50005 });
  });

  it('maps Spot preemption (50001) to lost and an unknown state to pending with a note', () => {
    expect(gcpJobStatus({ status: { state: 'FAILED', statusEvents: [{ taskExecution: { exitCode: 50001 } }] } })).toMatchObject({ state: 'lost', providerFault: true });
    expect(gcpJobStatus({ status: { state: 'STATE_UNSPECIFIED' } })).toMatchObject({ state: 'pending', message: expect.stringContaining('STATE_UNSPECIFIED') });
  });

  it('keeps a job whose VMs are still being cleaned up live, and ends it at CANCELLED', () => {
    expect(gcpJobStatus({ status: { state: 'CANCELLATION_IN_PROGRESS' } }).state).toBe('running');
    expect(gcpJobStatus({ status: { state: 'DELETION_IN_PROGRESS' } }).state).toBe('running');
    expect(gcpJobStatus({ status: { state: 'CANCELLED' } })).toMatchObject({ state: 'failed', providerFault: false });
  });
});

describe('RunPod status mapping', () => {
  it('maps every PodStatus: starting states pending, ERROR a lost machine, an unknown value pending with a note', () => {
    expect(podStatus({ id: 'p', status: 'PROVISIONING' }).state).toBe('pending');
    expect(podStatus({ id: 'p', status: 'STARTING' }).state).toBe('pending');
    expect(podStatus({ id: 'p', status: 'RUNNING' }).state).toBe('running');
    expect(podStatus({ id: 'p', status: 'EXITED' }).state).toBe('succeeded');
    expect(podStatus({ id: 'p', status: 'TERMINATED' })).toMatchObject({ state: 'failed', providerFault: false });
    expect(podStatus({ id: 'p', status: 'ERROR' })).toMatchObject({ state: 'lost', providerFault: true });
    expect(podStatus({ id: 'p', status: 'PAUSED' })).toMatchObject({ state: 'pending', message: expect.stringContaining('PAUSED') });
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and ignores junk', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(parseRetryAfter('15', now)).toBe(15);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
