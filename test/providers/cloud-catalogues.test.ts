// The api function builds the clouds catalogue-only (src/providers/cloud-catalogues.ts):
// what it shows and quotes must be what the full adapters would, and nothing else works.
import { describe, expect, it } from 'vitest';
import type { OfferQuery, Provider } from '../../src/core/provider.js';
import { fullCloudAdapters } from '../../src/providers/cloud-adapters.js';
import { catalogueCloudAdapters } from '../../src/providers/cloud-catalogues.js';
import { buildProviders, type ProviderCredentials } from '../../src/providers/registry.js';

const credentials: ProviderCredentials = {
  'aws-batch': { region: 'eu-west-1', jobQueue: 'gpu', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
  'gcp-batch': { project: 'acme-ml', location: 'us-central1', credentials: JSON.stringify({ type: 'service_account', client_email: 'a@b.c', private_key: 'k' }) },
};
const queries: OfferQuery[] = [
  { gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 100 },
  { gpu: { models: ['A100'], count: 4, minVramGb: 80 }, maxPricePerGpuHourUsd: 100 },
  { gpu: { models: [], count: 1 }, maxPricePerGpuHourUsd: 2, regions: ['eu-west-1'] },
];
const view = async (p: Provider) => ({
  name: p.name,
  kind: p.kind,
  billing: p.billing,
  info: p.info(),
  offers: await Promise.all(queries.map((q) => p.offers(q))),
});

describe('catalogue-only clouds (the api function)', () => {
  const full = buildProviders(Object.keys(credentials), credentials, { clouds: fullCloudAdapters });
  const catalogue = buildProviders(Object.keys(credentials), credentials, { clouds: catalogueCloudAdapters });

  it('show the same name, kind, billing terms, catalogue and offers as the full adapters', async () => {
    expect(catalogue.map((p) => p.name)).toEqual(['aws-batch', 'gcp-batch']);
    for (const [i, p] of catalogue.entries()) {
      const mine = await view(p);
      expect(mine).toEqual(await view(full[i]!));
      expect(mine.offers.flat().length).toBeGreaterThan(0);
    }
  });

  it('refuse to launch, read status or cancel, saying who does', async () => {
    const [aws] = catalogue;
    const ref = { attemptId: 'a1', jobId: 'j1', providerId: 'x' } as never;
    await expect(aws!.status(ref)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringMatching(/catalogue only.*dispatch and reconcile/) });
    await expect(aws!.cancel(ref)).rejects.toMatchObject({ kind: 'permanent' });
  });
});
