// Helpers for the cloud adapter tests. The fakes take a manual clock, so a test moves
// time forward explicitly instead of sleeping: fast and deterministic.
import { expect } from 'vitest';
import { ProviderError, type LaunchRequest, type Offer, type OfferQuery } from '../../../src/core/provider.js';

export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export const manualClock = (start = 1_700_000_000_000): ManualClock => {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
};

export const rejection = async (p: Promise<unknown>): Promise<ProviderError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected a ProviderError, but the call succeeded');
};

export const query = (models: string[], maxPrice: number, extra: Partial<OfferQuery> = {}): OfferQuery => ({
  gpu: { models, count: 1 },
  maxPricePerGpuHourUsd: maxPrice,
  ...extra,
});

export const launchRequest = (attemptId: string, offer: Offer, extra: Partial<LaunchRequest> = {}): LaunchRequest => ({
  attemptId,
  jobId: `job-${attemptId}`,
  offer,
  image: 'ghcr.io/acme/train:1.2',
  command: ['python', 'train.py', '--epochs', '1'],
  env: { MODEL: 'llama' },
  maxDurationSeconds: 3600,
  ...extra,
});
