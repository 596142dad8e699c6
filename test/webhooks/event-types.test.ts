// Which timeline events become which webhook type, and which are not sent at all.
import { describe, expect, it } from 'vitest';
import { webhookTypeOf } from '../../src/webhooks/event-types.js';

describe('webhookTypeOf', () => {
  it.each([
    [{ type: 'status', to: 'queued' }, 'job.queued'],
    [{ type: 'status', from: 'placing', to: 'queued' }, 'job.queued'], // back to wait for capacity
    [{ type: 'status', from: 'starting', to: 'running' }, 'job.running'],
    [{ type: 'status', from: 'running', to: 'placing' }, 'job.failover'], // machine lost
    [{ type: 'status', from: 'starting', to: 'placing' }, 'job.failover'], // launch refused / lost before start
    [{ type: 'status', from: 'running', to: 'succeeded' }, 'job.succeeded'],
    [{ type: 'status', from: 'placing', to: 'failed' }, 'job.failed'],
    [{ type: 'status', from: 'queued', to: 'cancelled' }, 'job.cancelled'],
    [{ type: 'status', from: 'running', to: 'timed_out' }, 'job.timed_out'],
  ] as const)('%o → %s', (event, type) => expect(webhookTypeOf(event)).toBe(type));

  it.each([
    { type: 'status', from: 'queued', to: 'placing' }, // the dispatcher picking the job up
    { type: 'status', from: 'placing', to: 'starting' },
    { type: 'attempt', to: 'launching' },
    { type: 'attempt', from: 'running', to: 'failed' },
    { type: 'release', from: 'failed', to: 'released' },
  ] as const)('does not announce %o', (event) => expect(webhookTypeOf(event)).toBeUndefined());
});
