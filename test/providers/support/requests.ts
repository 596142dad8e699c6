// Offer queries and launch requests for the adapter tests.
import { expect } from 'vitest';
import type { LaunchRequest, Offer, OfferQuery, Provider } from '../../../src/core/provider.js';

export const query = (models: string[], maxPrice: number, extra: Partial<OfferQuery> = {}): OfferQuery => ({
  gpu: { models, count: 1 },
  maxPricePerGpuHourUsd: maxPrice,
  ...extra,
});

/** A provider's first (cheapest) offer for a query; the test fails if there is none. */
export const firstOfferOf = async (provider: Provider, q: OfferQuery): Promise<Offer> => {
  const offers = await provider.offers(q);
  expect(offers.length).toBeGreaterThan(0);
  return offers[0]!;
};

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
