// The io.net adapter driven through its real HTTP client against the fake CaaS API
// (which checks deploy bodies against the published CaaSDeployClusterRequest).
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
const UNKNOWN = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

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

/** A fake whose clock moves only when the test says (start 1 s, run `runMs`), so states are read deterministically. */
const restartWithClock = async (runMs = 1_000) => {
  await fake.close();
  let now = Date.UTC(2026, 11, 1);
  fake = await startIoNetFake({ seed: 5, apiKey: 'k-io', scenario: { startDelayMs: 1_000, runMs, now: () => now } });
  io = createIoNetProvider({ baseUrl: fake.url, apiKey: 'k-io', hardware });
  return { advance: (ms: number) => void (now += ms) };
};

const h100 = (count = 8): Promise<Offer> => firstOfferOf(io, { gpu: { models: ['H100'], count }, maxPricePerGpuHourUsd: 5 });

describe('ionet adapter', () => {
  it('offers are per hardware and location (the location is `id`), filtered by model, count, price and region', async () => {
    const offers = await io.offers({ gpu: { models: ['H100', 'A100-80GB'], count: 8 }, maxPricePerGpuHourUsd: 5 });
    expect(new Set(offers.map((o) => o.gpuModel))).toEqual(new Set(['H100', 'A100-80GB']));
    expect(offers[0]!.gpuModel).toBe('A100-80GB'); // cheapest first
    expect(offers[0]!.offerId).toBe('101:1'); // hardware 101 in location id 1 (US)
    expect(offers.every((o) => o.gpuCount === 8 && o.pricePerGpuHourUsd <= 5)).toBe(true);
    const de = await io.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 5, regions: ['de'] });
    expect(de.length).toBeGreaterThan(0);
    expect(de.every((o) => o.region === 'DE' && o.offerId === '201:2')).toBe(true);
    expect(await io.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 1 })).toEqual([]);
    // The spec allows 1..8 GPUs per container.
    expect((await io.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 5 })).length).toBeGreaterThan(0);
    expect(await io.offers({ gpu: { models: ['H100'], count: 9 }, maxPricePerGpuHourUsd: 5 })).toEqual([]);
  });

  it('launch -> pending -> running -> succeeded, with the nested deploy body and no exit code claimed', async () => {
    const clock = await restartWithClock();
    const offer = await h100();
    const { providerRef } = await io.launch(request(offer));
    const ref = { attemptId: 'att-1', providerRef };
    expect((await io.status(ref)).state).toBe('pending');
    clock.advance(1_500);
    expect((await io.status(ref)).state).toBe('running');
    clock.advance(2_000);
    const final = await io.status(ref);
    expect(final.state).toBe('succeeded');
    expect(final.exitCode).toBeUndefined();
    expect(final.message).toContain('exit code not reported by io.net');
    const [dep] = fake.deployments();
    expect(dep!.body).toEqual({
      resource_private_name: 'switchyard-att-1',
      duration_hours: 2,
      gpus_per_container: 8,
      hardware_id: 201,
      location_ids: [Number(offer.offerId.split(':')[1])],
      container_config: {
        replica_count: 1,
        env_variables: { FOO: 'bar', SWITCHYARD_ATTEMPT_ID: 'att-1', SWITCHYARD_JOB_ID: 'job-1' },
        traffic_port: 8080,
        entrypoint: ['python', 'train.py'],
      },
      registry_config: { image_url: 'ghcr.io/acme/train:1' },
    });
  });

  it("passes the agent's wrapped command as the exec-form entrypoint; an empty command sends neither entrypoint nor args", async () => {
    const wrapped = ['sh', '-c', 'exec "$@"', 'switchyard-agent', 'python', '-c', 'print("a b")'];
    await io.launch({ ...request(await h100(), 'att-w'), command: wrapped });
    await io.launch({ ...request(await h100(), 'att-e'), command: [] });
    const [w, e] = fake.deployments();
    expect((w!.body.container_config as Record<string, unknown>).entrypoint).toEqual(wrapped);
    expect(e!.body.container_config).not.toHaveProperty('entrypoint');
    expect(e!.body.container_config).not.toHaveProperty('args');
  });

  it('launch is idempotent by attemptId, also when two tries race (the name is unique)', async () => {
    const offer = await h100();
    const a = await io.launch(request(offer, 'att-i'));
    const b = await io.launch(request(offer, 'att-i'));
    expect(b.providerRef).toBe(a.providerRef);
    const [x, y] = await Promise.all([io.launch(request(offer, 'att-race')), io.launch(request(offer, 'att-race'))]);
    expect(y.providerRef).toBe(x.providerRef);
    expect(fake.deployments()).toHaveLength(2);
  });

  it('cancel destroys and is idempotent, then status says it is gone; a refused deploy is capacity', async () => {
    const { providerRef } = await io.launch(request(await h100(), 'att-c'));
    await io.cancel({ attemptId: 'att-c', providerRef });
    await io.cancel({ attemptId: 'att-c', providerRef });
    await io.cancel({ attemptId: 'att-c' });
    expect(fake.deployments()[0]!.destroyed).toBe(true);
    expect(await io.status({ attemptId: 'att-c', providerRef })).toMatchObject({ state: 'lost', message: 'deployment destroyed' });
    expect(await io.listOwned()).toEqual([]);
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    expect((await providerError(io.launch(request(await h100(), 'att-r')))).kind).toBe('capacity');
  });

  it('a node lost mid-run is lost with providerFault; a failing container is failed without an exit code', async () => {
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 20 });
    const lost = await io.launch(request(await h100(), 'att-l'));
    expect((await waitForState(io, { attemptId: 'att-l', providerRef: lost.providerRef }, 'lost')).final.providerFault).toBe(true);
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 2 });
    const failed = await io.launch(request(await h100(), 'att-f'));
    const { final } = await waitForState(io, { attemptId: 'att-f', providerRef: failed.providerRef }, 'failed');
    expect(final.exitCode).toBeUndefined();
    expect(final.message).toBe('deployment failed; exit code not reported by io.net');
    expect(final.providerFault).toBeFalsy();
  });

  it('"completed" with no compute minutes left means the job ran out its prepaid duration: timed out', async () => {
    const clock = await restartWithClock(10 * 3_600_000);
    const { providerRef } = await io.launch({ ...request(await h100(), 'att-t'), maxDurationSeconds: 3600 });
    clock.advance(60_000);
    expect((await io.status({ attemptId: 'att-t', providerRef })).state).toBe('running');
    clock.advance(3_600_000);
    expect(await io.status({ attemptId: 'att-t', providerRef })).toMatchObject({ state: 'failed', timedOut: true });
    expect(await io.listOwned()).toEqual([]);
  });

  it('a deployment id that now carries another attempt is lost, and cancel leaves it alone', async () => {
    const { providerRef } = await io.launch(request(await h100(), 'att-own'));
    fake.reassign(providerRef, 'att-other');
    const s = await io.status({ attemptId: 'att-own', providerRef });
    expect(s).toMatchObject({ state: 'lost', providerFault: true });
    expect(s.message).toContain('attempt att-other');
    await io.cancel({ attemptId: 'att-own', providerRef });
    expect(fake.deployments()[0]!.destroyed).toBe(false);
  });

  it('429 carries retryAfterSeconds; 5xx is transient; bad key is auth; unknown id is unknown-job', async () => {
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 3, path: /available-replicas/ });
    const rate = await providerError(io.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 5 }));
    expect([rate.kind, rate.retryAfterSeconds]).toEqual(['transient', 3]);
    fake.scenario.injectHttp({ status: 502, method: 'GET' });
    expect((await providerError(io.status({ attemptId: 'x', providerRef: UNKNOWN }))).kind).toBe('transient');
    const wrong = createIoNetProvider({ baseUrl: fake.url, apiKey: 'bad', hardware });
    expect((await providerError(wrong.listOwned())).kind).toBe('auth');
    expect((await providerError(io.status({ attemptId: 'x', providerRef: UNKNOWN }))).kind).toBe('unknown-job');
    // Not a deployment id at all: unknown without asking (the path parameter is a uuid).
    expect((await providerError(io.status({ attemptId: 'x', providerRef: 'nope' }))).kind).toBe('unknown-job');
  });

  it('listOwned returns live deployments named by Switchyard, across pages of 100', async () => {
    await fake.close();
    fake = await startIoNetFake({
      seed: 6,
      apiKey: 'k-io',
      scenario: { startDelayMs: 60_000, runMs: 60_000, supply: [{ model: 'H100', vramGb: 80, machines: 110, gpusPerMachine: 1, pricePerGpuHourUsd: 2, regions: ['US'] }] },
    });
    io = createIoNetProvider({ baseUrl: fake.url, apiKey: 'k-io', hardware });
    const offer = await h100(1);
    const refs: string[] = [];
    for (let i = 0; i < 104; i += 1) refs.push((await io.launch(request(offer, `att-${i}`))).providerRef);
    const res = await fetch(`${fake.url}/enterprise/v1/io-cloud/caas/deploy`, {
      method: 'POST',
      headers: { 'x-api-key': 'k-io', 'content-type': 'application/json' },
      body: JSON.stringify({ ...fake.deployments()[0]!.body, resource_private_name: 'someone-else' }),
    });
    expect(res.status).toBe(200);
    await io.cancel({ attemptId: 'att-0', providerRef: refs[0] });
    const owned = await io.listOwned();
    expect(owned).toHaveLength(103);
    expect(new Set(owned.map((o) => o.providerRef))).toEqual(new Set(refs.slice(1)));
    expect(owned.find((o) => o.providerRef === refs[7])).toEqual({ attemptId: 'att-7', providerRef: refs[7] });
  });
});
