// The io.net adapter driven through its real HTTP client against the fake CaaS API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchRequest, Offer } from '../../src/core/provider.js';
import { IONET_HARDWARE, startIoNetFake, type IoNetFake } from '../../src/market/ionet-fake.js';
import { createIoNetProvider, type IoNetProvider } from '../../src/providers/ionet/index.js';
import { providerError } from './support/errors.js';
import { firstOfferOf, launchRequest } from './support/requests.js';
import { waitForState } from './support/wait.js';

let fake: IoNetFake;
let io: IoNetProvider;
const hardware = IONET_HARDWARE.map((h) => ({ hardwareId: h.hardwareId, gpuModel: h.model, vramGb: h.vramGb }));

beforeEach(async () => {
  fake = await startIoNetFake({ seed: 5, apiKey: 'k-io', scenario: { startDelayMs: 40, runMs: 80 } });
  io = createIoNetProvider({ baseUrl: fake.url, apiKey: 'k-io', hardware });
});
afterEach(async () => fake.close());

const request = (offer: Offer, attemptId = 'att-1'): LaunchRequest =>
  launchRequest(attemptId, offer, {
    jobId: 'job-1',
    image: 'ghcr.io/acme/train:1',
    command: ['python', 'train.py'],
    env: { FOO: 'bar' },
    maxDurationSeconds: 5400,
  });

const h100 = (): Promise<Offer> => firstOfferOf(io, { gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 5 });

describe('ionet adapter', () => {
  it('offers are per hardware and location, filtered by model, count, price and region', async () => {
    const offers = await io.offers({ gpu: { models: ['H100', 'A100-80GB'], count: 8 }, maxPricePerGpuHourUsd: 5 });
    expect(new Set(offers.map((o) => o.gpuModel))).toEqual(new Set(['H100', 'A100-80GB']));
    expect(offers[0]!.gpuModel).toBe('A100-80GB'); // cheapest first
    expect(offers.every((o) => o.gpuCount === 8 && o.pricePerGpuHourUsd <= 5)).toBe(true);
    const de = await io.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 5, regions: ['de'] });
    expect(de.length).toBeGreaterThan(0);
    expect(de.every((o) => o.region === 'DE')).toBe(true);
    expect(await io.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 1 })).toEqual([]);
    expect(await io.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 5 })).toEqual([]);
  });

  it('launch -> pending -> running -> succeeded, with a top-level deploy body', async () => {
    const { providerRef } = await io.launch(request(await h100()));
    expect((await io.status({ attemptId: 'att-1', providerRef })).state).toBe('pending');
    const { seen } = await waitForState(io, { attemptId: 'att-1', providerRef }, 'succeeded');
    expect(seen).toContain('running');
    const [dep] = fake.deployments();
    expect(dep!.body).toMatchObject({ resource_private_name: 'switchyard-att-1', duration_hours: 2, gpus_per_container: 8, entrypoint: ['python', 'train.py'] });
  });

  it('launch is idempotent by attemptId', async () => {
    const offer = await h100();
    const a = await io.launch(request(offer, 'att-i'));
    const b = await io.launch(request(offer, 'att-i'));
    expect(b.providerRef).toBe(a.providerRef);
    expect(fake.deployments()).toHaveLength(1);
  });

  it('cancel destroys and is idempotent; a refused deploy is capacity', async () => {
    const { providerRef } = await io.launch(request(await h100(), 'att-c'));
    await io.cancel({ attemptId: 'att-c', providerRef });
    await io.cancel({ attemptId: 'att-c', providerRef });
    expect(fake.deployments()[0]!.destroyed).toBe(true);
    expect(await io.listOwned()).toEqual([]);
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    expect((await providerError(io.launch(request(await h100(), 'att-r')))).kind).toBe('capacity');
  });

  it('a node lost mid-run is lost with providerFault; a failing container is failed', async () => {
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 20 });
    const lost = await io.launch(request(await h100(), 'att-l'));
    expect((await waitForState(io, { attemptId: 'att-l', providerRef: lost.providerRef }, 'lost')).final.providerFault).toBe(true);
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 2 });
    const failed = await io.launch(request(await h100(), 'att-f'));
    await waitForState(io, { attemptId: 'att-f', providerRef: failed.providerRef }, 'failed');
  });

  it('429 carries retryAfterSeconds; 5xx is transient; bad key is auth; unknown id is unknown-job', async () => {
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 3, path: /available-replicas/ });
    const rate = await providerError(io.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 5 }));
    expect([rate.kind, rate.retryAfterSeconds]).toEqual(['transient', 3]);
    fake.scenario.injectHttp({ status: 502, method: 'GET' });
    expect((await providerError(io.status({ attemptId: 'x', providerRef: 'nope' }))).kind).toBe('transient');
    const wrong = createIoNetProvider({ baseUrl: fake.url, apiKey: 'bad', hardware });
    expect((await providerError(wrong.listOwned())).kind).toBe('auth');
    expect((await providerError(io.status({ attemptId: 'x', providerRef: 'nope' }))).kind).toBe('unknown-job');
  });

  it('listOwned returns live deployments named by Switchyard', async () => {
    const offer = await h100();
    const a = await io.launch(request(offer, 'att-a'));
    const res = await fetch(`${fake.url}/enterprise/v1/io-cloud/caas/deploy`, {
      method: 'POST',
      headers: { 'x-api-key': 'k-io', 'content-type': 'application/json' },
      body: JSON.stringify({ ...fake.deployments()[0]!.body, resource_private_name: 'someone-else' }),
    });
    expect(res.status).toBe(200);
    expect(await io.listOwned()).toEqual([{ attemptId: 'att-a', providerRef: a.providerRef }]);
  });
});
