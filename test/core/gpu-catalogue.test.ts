// The GPU catalogue's reading of one provider: live offers grouped by Switchyard model,
// a hanging or failing provider reported in its own entry, explicit-only providers not asked.
import { describe, expect, it } from 'vitest';
import { groupOffers, readProviderCatalogue } from '../../src/core/gpu-catalogue.js';
import { acceptedGpuModels, canonicalGpuModel, unknownGpuModels } from '../../src/core/gpu-models.js';
import type { Offer } from '../../src/core/provider.js';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import { sim } from '../support/sim.js';

const offer = (gpuModel: string, price: number, extra: Partial<Offer> = {}): Offer => ({
  provider: 'p', offerId: `${gpuModel}-${price}`, gpuModel, gpuCount: 1, vramGb: 80, pricePerGpuHourUsd: price, expectedStartSeconds: 60, ...extra,
});

describe('gpu catalogue', () => {
  it('groups offers by canonical model with the price range, VRAM floor, counts and regions', () => {
    const gpus = groupOffers([
      offer('h100', 2.5, { region: 'US' }),
      offer('H100', 1.8, { vramGb: 94, gpuCount: 8, region: 'EU' }),
      offer('A100 80GB', 1.2),
    ]);
    expect(gpus).toEqual([
      { model: 'A100-80GB', vramGb: 80, minPricePerGpuHourUsd: 1.2, maxPricePerGpuHourUsd: 1.2, offers: 1, gpuCounts: [1] },
      { model: 'H100', vramGb: 80, minPricePerGpuHourUsd: 1.8, maxPricePerGpuHourUsd: 2.5, offers: 2, gpuCounts: [1, 8], regions: ['EU', 'US'] },
    ]);
  });

  it('reports a provider that does not answer, without waiting for it', async () => {
    const hanging = sim({ name: 'sim-hanging' });
    hanging.offers = () => new Promise(() => undefined);
    const entry = await readProviderCatalogue(hanging, new Date(), 50);
    expect(entry).toMatchObject({ provider: 'sim-hanging', source: 'catalog', error: expect.stringContaining('did not answer within 50 ms') });
  });

  it('lists an explicit-only provider from its static catalog without asking for offers', async () => {
    const local = new LocalProvider();
    local.offers = async () => {
      throw new Error('must not be asked');
    };
    const entry = await readProviderCatalogue(local, new Date(), 1000);
    expect(entry).toMatchObject({ source: 'catalog', models: ['any'] });
    expect(entry.error).toBeUndefined();
  });

  it('accepts names however they are typed and names the unknown ones by position', () => {
    expect(canonicalGpuModel('rtx 4090')).toBe('RTX4090');
    expect(canonicalGpuModel('H100X')).toBeUndefined();
    const accepted = acceptedGpuModels(['MI300X']);
    expect(accepted).toEqual(expect.arrayContaining(['H100', 'A100', 'any', 'MI300X']));
    expect(unknownGpuModels(['h100', 'X9000', 'mi300x', 'H1OO'], accepted)).toEqual([
      { index: 1, name: 'X9000' },
      { index: 3, name: 'H1OO' },
    ]);
  });
});
