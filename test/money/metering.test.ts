import { describe, expect, it } from 'vitest';
import type { Attempt, Job } from '../../src/core/job.js';
import { meterJob } from '../../src/money/metering.js';
import { DEFAULT_PRICING } from '../../src/money/pricing.js';

const t = (s: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + s * 1000).toISOString();

const attempt = (over: Partial<Attempt> & { id: string }): Attempt => ({
  provider: 'sim-a',
  offerId: 'o',
  gpuModel: 'H100',
  pricePerGpuHourUsd: 2,
  status: 'succeeded',
  createdAt: t(0),
  ...over,
});

const job = (over: Partial<Job>): Job => ({
  id: 'job_1',
  tenantId: 't1',
  status: 'succeeded',
  version: 5,
  spec: {
    image: 'x',
    command: ['x'],
    resources: { gpu: { models: ['H100'], count: 1 } },
    maxDurationSeconds: 3600,
    maxPricePerGpuHourUsd: 10,
    placement: { strategy: 'cheapest', fallback: 'cloud' },
  },
  attempts: [],
  createdAt: t(0),
  updatedAt: t(10_000),
  eventSeq: 9,
  ...over,
});

describe('metering', () => {
  it('bills the succeeded attempt and records, but does not bill, an attempt the network lost', () => {
    const usage = meterJob(
      job({
        attempts: [
          attempt({ id: 'a1', provider: 'flaky', pricePerGpuHourUsd: 1, status: 'failed', startedAt: t(0), endedAt: t(1800), reason: 'flaky lost the machine mid-run' }),
          attempt({ id: 'a2', provider: 'steady', status: 'succeeded', startedAt: t(1800), endedAt: t(3600), exitCode: 0 }),
        ],
      }),
      DEFAULT_PRICING,
      {},
    );
    expect(usage.providerCosts).toEqual({ flaky: 500_000, steady: 1_000_000 });
    expect(usage.attempts.map((a) => a.billable)).toEqual([false, true]);
    expect(usage.customerMicroUsd).toBe(1_150_000);
  });

  it("bills a command's own failure, told apart by its exit code", () => {
    const failed = job({
      status: 'failed',
      reason: 'the command exited with code 3',
      attempts: [attempt({ id: 'a1', status: 'failed', exitCode: 3, startedAt: t(0), endedAt: t(60), reason: 'the command exited with code 3' })],
    });
    expect(meterJob(failed, DEFAULT_PRICING, {}).customerMicroUsd).toBe(38_333); // 60 s × $2.30/h = 38_333.3
  });

  it('does not bill the last attempt when the dispatcher gave up on the networks', () => {
    const gaveUp = job({
      status: 'failed',
      reason: 'no offer could run the job: a: lost',
      attempts: [attempt({ id: 'a1', status: 'failed', startedAt: t(0), endedAt: t(600), reason: 'a lost the machine' })],
    });
    const usage = meterJob(gaveUp, DEFAULT_PRICING, {});
    expect(usage.customerMicroUsd).toBe(0);
    expect(usage.providerCostMicroUsd).toBe(333_333);
  });

  it('bills cancelled and timed-out runs, capped at maxDurationSeconds', () => {
    const late = job({
      status: 'timed_out',
      attempts: [attempt({ id: 'a1', status: 'timed_out', startedAt: t(0), endedAt: t(3700) })],
    });
    const usage = meterJob(late, DEFAULT_PRICING, {});
    expect(usage.attempts[0]!.billedSeconds).toBe(3600);
    expect(usage.customerMicroUsd).toBe(2_300_000);
    expect(usage.providerCostMicroUsd).toBe(2_055_556); // the provider is paid for all 3700 s
    const cancelled = job({ status: 'cancelled', attempts: [attempt({ id: 'a1', status: 'cancelled', startedAt: t(0), endedAt: t(36) })] });
    expect(meterJob(cancelled, DEFAULT_PRICING, {}).customerMicroUsd).toBe(23_000);
  });

  it('charges nothing for an attempt that never started', () => {
    const refused = job({ status: 'failed', reason: 'no offer', attempts: [attempt({ id: 'a1', status: 'failed', endedAt: t(1), reason: 'launch refused' })] });
    expect(meterJob(refused, DEFAULT_PRICING, {})).toMatchObject({ customerMicroUsd: 0, providerCostMicroUsd: 0, providerCosts: {} });
  });
});
