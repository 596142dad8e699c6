// The exploration budget: 2 % of placements, chosen by a hash of the attempt id, try a
// provider with no news for 12 h when it is within 1.5 × the best expected cost.
import { describe, expect, it } from 'vitest';
import { explores } from '../../src/core/exploration.js';
import { rankGathered, type ProviderOffers } from '../../src/core/placement.js';
import type { Offer } from '../../src/core/provider.js';
import type { ProviderStatsRecord } from '../../src/core/reliability.js';
import type { JobSpec } from '../../src/core/job.js';
import { simJob } from '../support/sim.js';

const now = new Date('2026-01-02T00:00:00Z');
const offer = (provider: string, price: number): Offer => ({ provider, offerId: `${provider}-1`, gpuModel: 'H100', gpuCount: 1, vramGb: 80, pricePerGpuHourUsd: price, expectedStartSeconds: 60 });
const billing = { startsAt: 'running', unitSeconds: 1 } as const;
const gathered = (otherPrice: number): ProviderOffers[] => [
  { provider: 'busy', kind: 'decentralized', offers: [offer('busy', 1)], billing },
  { provider: 'avoided', kind: 'decentralized', offers: [offer('avoided', otherPrice)], billing },
];
const record = (provider: string, updatedAt: string): ProviderStatsRecord => ({ provider, models: {}, consecutiveFailures: 0, trips: 0, updatedAt });
const spec = simJob() as unknown as JobSpec;
const ids = Array.from({ length: 5000 }, (_, i) => `job_${i}-a1`);

describe('exploration budget', () => {
  it('picks about 2 % of attempt ids, the same ones every time', () => {
    const picked = ids.filter((id) => explores(id, 0.02));
    expect(picked.length / ids.length).toBeGreaterThan(0.015);
    expect(picked.length / ids.length).toBeLessThan(0.025);
    expect(ids.filter((id) => explores(id, 0.02))).toEqual(picked);
  });

  it('sends the exploring share to a provider with no news for 12 h, within 1.5 × the best cost', () => {
    const stats = new Map([
      ['busy', record('busy', '2026-01-01T23:50:00Z')],
      ['avoided', record('avoided', '2026-01-01T10:00:00Z')], // 14 h ago
    ]);
    const first = (price: number, id: string) => rankGathered(gathered(price), spec, { now, stats, explorationKey: id });
    const exploring = ids.filter((id) => explores(id, 0.02));
    const other = ids.find((id) => !explores(id, 0.02))!;
    for (const id of exploring) {
      const ranked = first(1.3, id);
      expect(ranked.offers[0]!.provider).toBe('avoided');
      expect(ranked.why).toBe('exploring avoided: no news from it for 12 h');
    }
    expect(first(1.3, other).offers[0]!.provider).toBe('busy');
    expect(first(1.7, exploring[0]!).offers[0]!.provider).toBe('busy'); // too dear to try
    const fresh = new Map([...stats, ['avoided', record('avoided', '2026-01-01T20:00:00Z')]]);
    expect(rankGathered(gathered(1.3), spec, { now, stats: fresh, explorationKey: exploring[0]! }).offers[0]!.provider).toBe('busy');
  });
});
