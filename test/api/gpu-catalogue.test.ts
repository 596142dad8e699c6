// GET /v1/providers as a GPU catalogue: the models each network offers now (from live
// offers, cached), with price ranges and the names a job may ask for; an unknown model in
// a job spec is a 400 naming the valid ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/core/provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

const clock = new ManualClock();
const market = sim(
  {
    name: 'sim-market',
    catalog: [
      { gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1.5 },
      { gpuModel: 'H100', vramGb: 94, pricePerGpuHourUsd: 2.5 },
      { gpuModel: 'A100-80GB', vramGb: 80, pricePerGpuHourUsd: 1.1 },
      { gpuModel: 'MI300X', vramGb: 192, pricePerGpuHourUsd: 3 },
    ],
  },
  clock,
);
let offerCalls = 0;
const realOffers = market.offers.bind(market);
market.offers = async (q) => {
  offerCalls++;
  return realOffers(q);
};
const broken = sim({ name: 'sim-broken' }, clock);
broken.offers = async () => {
  throw new Error('503 from the market API');
};
const disabled: Provider = {
  ...sim({ name: 'sim-off' }, clock),
  name: 'sim-off',
  kind: 'decentralized',
  info: () => ({ name: 'sim-off', kind: 'decentralized', enabled: false, catalog: [{ gpuModel: 'TPU-V5', vramGb: 16, pricePerGpuHourUsd: 1 }], health: 'disabled', note: 'no API key configured' }),
  offers: async () => {
    throw new Error('a disabled provider is never asked');
  },
  launch: async () => ({ providerRef: 'x' }),
  status: async () => ({ state: 'pending' }),
  cancel: async () => undefined,
};

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false, clock, providers: [market, broken, disabled] });
});
afterAll(() => system.stop());

const byName = (body: any) => Object.fromEntries(body.items.map((p: any) => [p.name, p]));

describe('the GPU catalogue', () => {
  it('lists live models per provider with price ranges, and says which provider failed', async () => {
    const res = await api(system, 'GET', '/v1/providers');
    expect(res.status).toBe(200);
    const p = byName(res.body);
    const h100 = p['sim-market'].gpus.find((g: any) => g.model === 'H100');
    // $1.50 and $2.50 + the default 15 % margin: the tenant's own prices, in µUSD.
    expect(h100).toMatchObject({ vramGb: 80, minPricePerGpuHourMicroUsd: 1_725_000, maxPricePerGpuHourMicroUsd: 2_875_000, gpuCounts: [1, 8], offers: 4 });
    expect(p['sim-market'].gpus.map((g: any) => g.model)).toEqual(['A100-80GB', 'H100', 'MI300X']);
    // "A100" is a family name a job may use: it takes the 80 GB variant offered here.
    expect(p['sim-market'].models).toEqual(['A100', 'A100-80GB', 'H100', 'MI300X']);
    expect(p['sim-market'].catalogue).toMatchObject({ source: 'live', fetchedAt: clock.now().toISOString() });
    expect(p['sim-market'].catalogue.error).toBeUndefined();

    expect(p['sim-broken'].catalogue).toMatchObject({ source: 'catalog', error: expect.stringContaining('503 from the market API') });
    expect(p['sim-broken'].gpus.map((g: any) => g.model)).toEqual(['H100']); // its static list, marked as such
    expect(p['sim-off']).toMatchObject({ enabled: false, health: 'disabled', catalogue: { source: 'catalog' } });

    // The names a job may ask for: canonical ones plus enabled providers' catalogs, not disabled ones'.
    expect(res.body.gpuModels).toEqual(expect.arrayContaining(['H100', 'A100', 'A100-80GB', 'RTX4090', 'L4', 'MI300X', 'any']));
    expect(res.body.gpuModels).not.toContain('TPU-V5');
  });

  it('serves the catalogue from its cache for a minute, then reads the offers again', async () => {
    await api(system, 'GET', '/v1/providers');
    const before = offerCalls;
    clock.advance(30_000);
    await api(system, 'GET', '/v1/providers');
    expect(offerCalls).toBe(before);
    clock.advance(31_000);
    const res = await api(system, 'GET', '/v1/providers');
    expect(offerCalls).toBe(before + 2); // one GPU and eight
    expect(byName(res.body)['sim-market'].catalogue.fetchedAt).toBe(clock.now().toISOString());
  });

  it('rejects an unknown GPU model at submit, naming the valid ones, and stores nothing', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: simJob({ resources: { gpu: { models: ['H100', 'H1000'], count: 1 } } }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      { field: 'resources.gpu.models.1', pointer: '/resources/gpu/models/1', detail: expect.stringContaining('unknown GPU model "H1000"') },
    ]);
    expect(res.body.detail).toContain('H100');
    expect(res.body.detail).toContain('RTX4090');
    expect(res.body.detail).not.toContain('TPU-V5');
    expect((await api(system, 'GET', '/v1/jobs?limit=100')).body.items).toEqual([]);
    expect(system.queue.depth).toBe(0);
  });

  it('accepts canonical names however they are typed, families, and provider catalog names', async () => {
    for (const models of [['a100 80gb'], ['A100'], ['mi300x'], ['any'], ['rtx_4090', 'H100']]) {
      const res = await api(system, 'POST', '/v1/jobs', { body: simJob({ resources: { gpu: { models, count: 1 } } }) });
      expect(res.status, JSON.stringify(models)).toBe(202);
    }
  });

  it('documents the catalogue in the OpenAPI document', async () => {
    const doc = (await api(system, 'GET', '/openapi.json', { key: null })).body;
    expect(doc.components.schemas.ProviderList.properties.gpuModels).toBeDefined();
    expect(doc.components.schemas.ProviderGpu.required).toEqual(expect.arrayContaining(['minPricePerGpuHourMicroUsd', 'maxPricePerGpuHourMicroUsd']));
    expect(doc.components.schemas.Provider.properties.catalogue).toBeDefined();
  });
});
