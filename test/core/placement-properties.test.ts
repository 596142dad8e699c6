// Placement invariants over random markets, jobs and provider histories (fast-check):
// never over the ceiling, never outside the allow-list or on an excluded network, never
// on an open breaker, clouds only with fallback "cloud" and only after every non-cloud
// offer, one offer per provider, only models, counts, VRAM and regions the job accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../src/core/job.js';
import { eligibleProviders, estimateOffer, rankGathered, type ProviderOffers } from '../../src/core/placement.js';
import type { Offer, Provider, ProviderKind } from '../../src/core/provider.js';
import { applyOutcome, breakerState, type AttemptOutcomeKind, type ProviderStatsRecord } from '../../src/core/reliability.js';

const MODELS = ['H100', 'A100-80GB', 'RTX4090', 'L4'];
const REGIONS = ['US', 'DE', 'SG', 'us-east-1'];
const NAMES = ['akash', 'ionet', 'vastai', 'nosana', 'aws-batch', 'gcp-batch', 'runpod'];
const NOW = new Date('2026-01-01T12:00:00Z');

const offerArb = (provider: string) =>
  fc.record({
    provider: fc.constant(provider),
    offerId: fc.string({ minLength: 1, maxLength: 6 }),
    gpuModel: fc.constantFrom(...MODELS),
    gpuCount: fc.integer({ min: 1, max: 8 }),
    vramGb: fc.constantFrom(24, 40, 80),
    pricePerGpuHourUsd: fc.double({ min: 0.05, max: 15, noNaN: true }),
    expectedStartSeconds: fc.integer({ min: 0, max: 7200 }),
    region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
  }).map((o) => (o.region === undefined ? (({ region: _r, ...rest }) => rest)(o) : o) as Offer);

const marketArb = fc
  .subarray(NAMES, { minLength: 1 })
  .chain((names) =>
    fc.tuple(...names.map((name) => fc.record({ provider: fc.constant(name), kind: fc.constantFrom<ProviderKind>('decentralized', 'cloud'), offers: fc.array(offerArb(name), { maxLength: 5 }) }))),
  );

const specArb: fc.Arbitrary<JobSpec> = fc.record({
  image: fc.constant('img'),
  command: fc.constant(['run']),
  resources: fc.record({
    gpu: fc.record({ models: fc.subarray(MODELS, { minLength: 1 }), count: fc.integer({ min: 1, max: 8 }), minVramGb: fc.option(fc.constantFrom(24, 40, 80), { nil: undefined }) }),
  }),
  maxDurationSeconds: fc.integer({ min: 60, max: 86_400 }),
  maxPricePerGpuHourUsd: fc.double({ min: 0.1, max: 12, noNaN: true }),
  placement: fc.record({
    strategy: fc.constantFrom('cheapest', 'fastest', 'balanced' as const),
    fallback: fc.constantFrom('cloud', 'none' as const),
    networks: fc.option(fc.subarray(NAMES, { minLength: 1 }), { nil: undefined }),
    regions: fc.option(fc.subarray(REGIONS, { minLength: 1 }), { nil: undefined }),
  }),
}).map((s) => JSON.parse(JSON.stringify(s)) as JobSpec); // drop undefined optionals, as the API would

const historyArb = fc.dictionary(
  fc.constantFrom(...NAMES),
  fc.array(fc.constantFrom<AttemptOutcomeKind>('delivered', 'refused', 'lost', 'start-missed', 'provider-error'), { maxLength: 12 }),
);

const statsOf = (histories: Record<string, AttemptOutcomeKind[]>, minutesAgo: number): Map<string, ProviderStatsRecord> => {
  const at = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const out = new Map<string, ProviderStatsRecord>();
  for (const [provider, kinds] of Object.entries(histories)) {
    let r: ProviderStatsRecord | undefined;
    kinds.forEach((kind, i) => (r = applyOutcome(r, { attemptId: `${provider}-${i}`, provider, gpuModel: MODELS[i % MODELS.length]!, kind, at })));
    if (r) out.set(provider, r);
  }
  return out;
};

const providerOf = (m: ProviderOffers): Provider => ({
  name: m.provider,
  kind: m.kind,
  info: () => ({ name: m.provider, kind: m.kind, enabled: true, catalog: [], health: 'healthy' }),
  offers: async () => m.offers,
  launch: async () => ({ providerRef: 'x' }),
  status: async () => ({ state: 'pending' }),
  cancel: async () => undefined,
});

describe('placement invariants', () => {
  it('hold for every ranked list', () => {
    fc.assert(
      fc.property(marketArb, specArb, historyArb, fc.integer({ min: 0, max: 600 }), fc.subarray(NAMES), (market, spec, histories, minutesAgo, excluded) => {
        const stats = statsOf(histories, minutesAgo);
        const ctx = { now: NOW, stats };
        // The same two steps rankOffers takes: eligibility, then ranking what the eligible offered.
        const eligible = new Set(eligibleProviders(market.map(providerOf), spec, new Set(excluded), ctx).map((p) => p.name));
        const { offers } = rankGathered(market.filter((m) => eligible.has(m.provider)), spec, ctx);
        const kindOf = new Map(market.map((m) => [m.provider, m.kind]));
        const gpu = spec.resources.gpu;

        expect(new Set(offers.map((o) => o.provider)).size).toBe(offers.length);
        let lastScore = -Infinity;
        for (const o of offers) {
          expect(o.pricePerGpuHourUsd).toBeLessThanOrEqual(spec.maxPricePerGpuHourUsd);
          expect(excluded).not.toContain(o.provider);
          if (spec.placement.networks) expect(spec.placement.networks).toContain(o.provider);
          expect(breakerState(stats.get(o.provider), NOW)).not.toBe('open');
          expect(gpu.models).toContain(o.gpuModel);
          expect(o.gpuCount).toBeGreaterThanOrEqual(gpu.count);
          expect(o.vramGb).toBeGreaterThanOrEqual(gpu.minVramGb ?? 0);
          if (spec.placement.regions) expect(spec.placement.regions).toContain(o.region);
          const cloud = kindOf.get(o.provider) === 'cloud';
          if (cloud) expect(spec.placement.fallback).toBe('cloud');
          // Clouds compete on expected cost: the order is the estimate's, whatever the kind.
          const { score } = estimateOffer(o, spec, kindOf.get(o.provider)!, ctx);
          expect(score).toBeGreaterThanOrEqual(lastScore);
          lastScore = score;
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('are not ranking by luck: an eligible fitting offer is never dropped', () => {
    fc.assert(
      fc.property(marketArb, specArb, (market, spec) => {
        const { offers } = rankGathered(market, spec, { now: NOW });
        const kinds = new Map(market.map((m) => [m.provider, m.kind]));
        const providersWithAFit = new Set(
          market
            .filter((m) => m.kind !== 'cloud' || spec.placement.fallback === 'cloud')
            .flatMap((m) => m.offers)
            .filter(
              (o) =>
                o.pricePerGpuHourUsd <= spec.maxPricePerGpuHourUsd &&
                spec.resources.gpu.models.includes(o.gpuModel) &&
                o.gpuCount >= spec.resources.gpu.count &&
                o.vramGb >= (spec.resources.gpu.minVramGb ?? 0) &&
                (!spec.placement.regions || (o.region !== undefined && spec.placement.regions.includes(o.region))),
            )
            .map((o) => o.provider),
        );
        expect(new Set(offers.map((o) => o.provider))).toEqual(providersWithAFit);
        expect(offers.every((o) => kinds.has(o.provider))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
