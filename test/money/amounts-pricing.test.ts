import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { microToCents, mulDiv, usdToMicro } from '../../src/money/amounts.js';
import { customerAmount, maxChargeMicroUsd, providerAmount, DEFAULT_PRICING } from '../../src/money/pricing.js';
import type { JobSpec } from '../../src/core/job.js';

const spec = (over: Partial<JobSpec> = {}): JobSpec => ({
  image: 'x',
  command: ['x'],
  resources: { gpu: { models: ['H100'], count: 2 } },
  maxDurationSeconds: 3600,
  maxPricePerGpuHourUsd: 10,
  placement: { strategy: 'cheapest', fallback: 'cloud' },
  ...over,
});

describe('usdToMicro', () => {
  it('converts the decimal the caller wrote, not its binary approximation', () => {
    expect(usdToMicro(1.99)).toBe(1_990_000);
    expect(usdToMicro(0.1 + 0.2)).toBe(300_000); // 0.30000000000000004
    expect(usdToMicro(1.0000005)).toBe(1_000_001); // Math.round(x*1e6) gives 1_000_000
    expect(usdToMicro(2.4999994)).toBe(2_499_999);
    expect(usdToMicro(1e-7)).toBe(0);
    expect(usdToMicro(5e-7)).toBe(1);
    expect(usdToMicro(1000)).toBe(1_000_000_000);
    expect(() => usdToMicro(-1)).toThrow();
    expect(() => usdToMicro(Number.NaN)).toThrow();
  });

  it('agrees with exact decimal rounding for any price with up to 9 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), (nano) => {
        const usd = nano / 1e9;
        const expected = Math.floor(nano / 1000) + (nano % 1000 >= 500 ? 1 : 0);
        expect(usdToMicro(usd)).toBe(expected);
      }),
    );
  });
});

describe('mulDiv and cents', () => {
  it('rounds once, in the chosen direction', () => {
    expect(mulDiv(7, 1, 2)).toBe(4);
    expect(mulDiv(7, 1, 2, 'floor')).toBe(3);
    expect(mulDiv(6, 1, 4, 'ceil')).toBe(2);
    expect(microToCents(1_234_567)).toBe(123);
    expect(microToCents(5_000)).toBe(1);
    expect(microToCents(4_999)).toBe(0);
  });
});

describe('pricing', () => {
  it('charges cost plus the 15% default margin per second', () => {
    // 90 s of 2 GPUs at $2.00/GPU-hour: cost $0.10; customer $0.115
    expect(providerAmount({ gpuCount: 2, seconds: 90, providerMicroPerGpuHour: 2_000_000 })).toBe(100_000);
    expect(customerAmount(DEFAULT_PRICING, {}, spec(), { gpuModel: 'H100', gpuCount: 2, seconds: 90, providerMicroPerGpuHour: 2_000_000 })).toBe(115_000);
  });

  it('uses a tenant margin or rate card when set', () => {
    const usage = { gpuModel: 'H100', gpuCount: 1, seconds: 3600, providerMicroPerGpuHour: 2_000_000 };
    expect(customerAmount(DEFAULT_PRICING, { marginBps: 0 }, spec(), usage)).toBe(2_000_000);
    expect(customerAmount(DEFAULT_PRICING, { rateCard: { h100: 3_250_000 } }, spec(), usage)).toBe(3_250_000);
    expect(customerAmount(DEFAULT_PRICING, { rateCard: { A100: 1 } }, spec(), usage)).toBe(2_300_000);
  });

  it('never charges above the job ceiling, so a charge never exceeds the hold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 * 24 * 3600 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 100_000 }).map((c) => c / 100),
        fc.integer({ min: 1, max: 100_000 }).map((c) => c / 100),
        fc.integer({ min: 0, max: 10_000 }),
        (maxDurationSeconds, count, ceiling, price, marginBps) => {
          const s = spec({ maxDurationSeconds, maxPricePerGpuHourUsd: ceiling, resources: { gpu: { models: ['H100'], count } } });
          const charge = customerAmount(DEFAULT_PRICING, { marginBps }, s, { gpuModel: 'H100', gpuCount: count, seconds: maxDurationSeconds, providerMicroPerGpuHour: usdToMicro(price) });
          expect(charge).toBeLessThanOrEqual(maxChargeMicroUsd(s));
          expect(Number.isSafeInteger(charge)).toBe(true);
        },
      ),
    );
  });

  it('holds ceiling × max duration × GPUs, rounded up', () => {
    expect(maxChargeMicroUsd(spec())).toBe(20_000_000);
    expect(maxChargeMicroUsd(spec({ maxDurationSeconds: 1, maxPricePerGpuHourUsd: 1, resources: { gpu: { models: ['H100'], count: 1 } } }))).toBe(278); // 277.7…
  });
});
