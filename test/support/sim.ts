import type { Clock } from '../../src/core/ports.js';
import { SimProvider, type SimProviderConfig } from '../../src/providers/sim/sim-provider.js';

/** A sim provider that also counts launches, so tests can prove nothing launched twice. */
export class CountingSim extends SimProvider {
  launches: string[] = [];
  cancels: string[] = [];
  override async launch(request: Parameters<SimProvider['launch']>[0]) {
    this.launches.push(request.attemptId);
    return super.launch(request);
  }
  override async cancel(ref: Parameters<SimProvider['cancel']>[0]) {
    this.cancels.push(ref.attemptId);
    return super.cancel(ref);
  }
}

export const sim = (overrides: Partial<SimProviderConfig> & { name: string }, clock?: Clock): CountingSim =>
  new CountingSim(
    {
    catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }],
    startDelayMs: 0,
    runTimeMs: 60_000,
    failureRate: 0,
    seed: 1,
    ...overrides,
    },
    clock,
  );

export const simJob = (extra: Record<string, unknown> = {}) => ({
  image: 'pytorch/pytorch:latest',
  command: ['python', 'train.py'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 3600,
  maxPricePerGpuHourUsd: 10,
  placement: { strategy: 'cheapest', fallback: 'cloud' },
  ...extra,
});

/** A clock tests move by hand, shared by the system and its sim providers. */
export class ManualClock {
  constructor(private t = Date.parse('2026-01-01T00:00:00Z')) {}
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}
