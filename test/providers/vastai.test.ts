// The Vast.ai adapter driven through its real HTTP client against the fake market.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchRequest, Offer } from '../../src/core/provider.js';
import { startVastFake, type VastFake } from '../../src/market/vastai-fake.js';
import { createVastProvider, type VastProvider } from '../../src/providers/vastai/index.js';
import { providerError } from './support/errors.js';
import { firstOfferOf, launchRequest } from './support/requests.js';
import { waitForState } from './support/wait.js';

let fake: VastFake;
let vast: VastProvider;

beforeEach(async () => {
  fake = await startVastFake({ seed: 7, apiKey: 'k-vast', scenario: { startDelayMs: 40, runMs: 80 } });
  vast = createVastProvider({ baseUrl: fake.url, apiKey: 'k-vast' });
});
afterEach(async () => fake.close());

const request = (offer: Offer, attemptId = 'att-1'): LaunchRequest =>
  launchRequest(attemptId, offer, {
    jobId: 'job-1',
    image: 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
    command: ['python', '-c', 'print(1)'],
    env: { FOO: 'bar' },
    maxDurationSeconds: 600,
  });

const firstOffer = (models = ['H100'], count = 1): Promise<Offer> =>
  firstOfferOf(vast, { gpu: { models, count }, maxPricePerGpuHourUsd: 10 });

describe('vastai adapter', () => {
  it('offers are filtered by GPU model, count and price ceiling, sorted cheapest first', async () => {
    const h100 = await vast.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 10 });
    expect(h100.length).toBe(5); // 3 H100 SXM + 2 H100 NVL single-GPU hosts
    expect(h100.every((o) => o.gpuModel === 'H100' && o.gpuCount === 1 && o.provider === 'vastai')).toBe(true);
    expect(h100.map((o) => o.pricePerGpuHourUsd)).toEqual([...h100.map((o) => o.pricePerGpuHourUsd)].sort((a, b) => a - b));

    const eight = await vast.offers({ gpu: { models: ['H100'], count: 8 }, maxPricePerGpuHourUsd: 10 });
    expect(eight.length).toBe(2);
    expect(eight.every((o) => o.gpuCount === 8)).toBe(true);

    const cheap = await vast.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 2.3 });
    expect(cheap.length).toBeGreaterThan(0);
    expect(cheap.length).toBeLessThan(h100.length);
    expect(cheap.every((o) => o.pricePerGpuHourUsd <= 2.3)).toBe(true);

    const a100 = await vast.offers({ gpu: { models: ['A100-80GB'], count: 1, minVramGb: 80 }, maxPricePerGpuHourUsd: 10 });
    expect(a100.length).toBe(4); // 3 "A100 SXM4" + 1 "A100 SXM"
    expect(a100.map((o) => [o.gpuModel, o.vramGb])).toEqual(a100.map(() => ['A100-80GB', 80]));
    expect(await vast.offers({ gpu: { models: ['A100-40GB'], count: 1 }, maxPricePerGpuHourUsd: 10 })).toEqual([]);

    const us = await vast.offers({ gpu: { models: ['RTX4090'], count: 1 }, maxPricePerGpuHourUsd: 10, regions: ['us'] });
    expect(us.length).toBeGreaterThan(0);
    expect(us.every((o) => o.region === 'US')).toBe(true);
  });

  it('launch -> pending -> running -> succeeded, with the job command and env passed through', async () => {
    // A clock that moves only when the test says, so each state is read deterministically.
    await fake.close();
    let now = Date.UTC(2026, 11, 1);
    fake = await startVastFake({ seed: 7, apiKey: 'k-vast', scenario: { startDelayMs: 1_000, runMs: 1_000, now: () => now } });
    vast = createVastProvider({ baseUrl: fake.url, apiKey: 'k-vast' });
    const { providerRef } = await vast.launch(request(await firstOffer()));
    const ref = { attemptId: 'att-1', providerRef };
    expect((await vast.status(ref)).state).toBe('pending');
    now += 1_500;
    expect((await vast.status(ref)).state).toBe('running');
    now += 1_000;
    const final = await vast.status(ref);
    expect(final.state).toBe('succeeded');
    expect(final.exitCode).toBe(0);
    const [inst] = fake.instances();
    expect(inst?.args).toEqual(['python', '-c', 'print(1)']);
    expect(inst?.env).toMatchObject({ FOO: 'bar', SWITCHYARD_ATTEMPT_ID: 'att-1' });
  });

  it('offers carry the machine id and Vast\'s per-machine reliability score', async () => {
    const offers = await vast.offers({ gpu: { models: ['RTX4090'], count: 1 }, maxPricePerGpuHourUsd: 10 });
    expect(offers.length).toBeGreaterThan(1);
    for (const o of offers) {
      expect(o.hostId).toBe(o.offerId); // the fake's machine_id equals its offer id
      expect(o.hostReliability).toBeGreaterThanOrEqual(0.9);
      expect(o.hostReliability).toBeLessThan(1);
    }
    expect(new Set(offers.map((o) => o.hostReliability)).size).toBeGreaterThan(1);
  });

  it('"A100 SXM" and "A100 SXM4" both serve a job asking for A100', async () => {
    const offers = await vast.offers({ gpu: { models: ['A100'], count: 1 }, maxPricePerGpuHourUsd: 10 });
    expect(offers.length).toBe(4);
    expect(offers.every((o) => o.gpuModel === 'A100')).toBe(true);
  });

  it('env goes as a Docker-flag string; values with spaces survive; an unquotable value launches nothing', async () => {
    const offer = await firstOffer();
    const { providerRef } = await vast.launch({ ...request(offer, 'att-env'), env: { GREETING: 'hello world', PATHS: 'a:b' } });
    expect(fake.instances()[0]).toMatchObject({ id: Number(providerRef), env: { GREETING: 'hello world', PATHS: 'a:b', SWITCHYARD_JOB_ID: 'job-1' } });
    const err = await providerError(vast.launch({ ...request(offer, 'att-quote'), env: { BAD: "it's" } }));
    expect(err.kind).toBe('permanent');
    expect(fake.instances()).toHaveLength(1);
  });

  it("passes the agent's wrapped command through createInstance's args unchanged", async () => {
    const wrapped = ['sh', '-c', 'exec "$@"', 'switchyard-agent', 'python', '-c', 'print("a b")'];
    await vast.launch({ ...request(await firstOffer(), 'att-wrap'), command: wrapped });
    expect(fake.instances()[0]?.args).toEqual(wrapped);
  });

  it('a 403 "offer is not your own" is a refused offer (capacity), and the next offer launches', async () => {
    const offers = await vast.offers({ gpu: { models: ['RTX4090'], count: 1 }, maxPricePerGpuHourUsd: 10 });
    fake.hostOnly(Number(offers[0]!.offerId));
    const err = await providerError(vast.launch(request(offers[0]!, 'att-403')));
    expect(err.kind).toBe('capacity');
    expect(err.message).toContain('not your own');
    const { providerRef } = await vast.launch(request(offers[1]!, 'att-403'));
    expect(fake.instances().map((i) => String(i.id))).toEqual([providerRef]);
  });

  it('an instance id that now carries another label is lost, and cancel leaves it alone', async () => {
    const { providerRef } = await vast.launch(request(await firstOffer(), 'att-own'));
    fake.reassign(Number(providerRef), 'someone-elses-job');
    const s = await vast.status({ attemptId: 'att-own', providerRef });
    expect(s).toMatchObject({ state: 'lost', providerFault: true });
    expect(s.message).toContain('not this attempt');
    await vast.cancel({ attemptId: 'att-own', providerRef });
    expect(fake.instances()).toHaveLength(1);
  });

  it('a failing workload reports failed with its exit code', async () => {
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 3 });
    const { providerRef } = await vast.launch(request(await firstOffer()));
    const { final } = await waitForState(vast, { attemptId: 'att-1', providerRef }, 'failed');
    expect(final.exitCode).toBe(3);
    expect(final.providerFault).toBeFalsy();
  });

  it('launch is idempotent by attemptId: a retry returns the same instance', async () => {
    const offer = await firstOffer();
    const a = await vast.launch(request(offer, 'att-idem'));
    const b = await vast.launch(request(offer, 'att-idem'));
    expect(b.providerRef).toBe(a.providerRef);
    expect(fake.instances()).toHaveLength(1);
  });

  it('cancel destroys the instance and is idempotent', async () => {
    const { providerRef } = await vast.launch(request(await firstOffer(), 'att-c'));
    await vast.cancel({ attemptId: 'att-c', providerRef });
    expect(fake.instances()).toHaveLength(0);
    await vast.cancel({ attemptId: 'att-c', providerRef });
    await vast.cancel({ attemptId: 'att-c' });
    const err = await providerError(vast.status({ attemptId: 'att-c', providerRef }));
    expect(err.kind).toBe('unknown-job');
  });

  it('a host that goes offline mid-run is lost with providerFault', async () => {
    await fake.close();
    let now = Date.UTC(2026, 11, 1);
    fake = await startVastFake({ seed: 7, apiKey: 'k-vast', scenario: { startDelayMs: 1_000, runMs: 10_000, now: () => now } });
    vast = createVastProvider({ baseUrl: fake.url, apiKey: 'k-vast' });
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 2_000 });
    const { providerRef } = await vast.launch(request(await firstOffer()));
    const ref = { attemptId: 'att-1', providerRef };
    now += 1_500;
    expect((await vast.status(ref)).state).toBe('running');
    now += 2_000;
    expect(await vast.status(ref)).toMatchObject({ state: 'lost', providerFault: true });
  });

  it('a refused launch (offer gone) is a capacity error', async () => {
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const err = await providerError(vast.launch(request(await firstOffer())));
    expect(err.kind).toBe('capacity');
    expect(fake.instances()).toHaveLength(0);
  });

  it('a hung instance stays pending', async () => {
    fake.scenario.planNextLaunch({ kind: 'hang' });
    const { providerRef } = await vast.launch(request(await firstOffer()));
    await new Promise((r) => setTimeout(r, 200));
    expect((await vast.status({ attemptId: 'att-1', providerRef })).state).toBe('pending');
  });

  it('429 is transient with retryAfterSeconds from Retry-After', async () => {
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 12, path: /bundles/ });
    const err = await providerError(vast.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 10 }));
    expect(err.kind).toBe('transient');
    expect(err.retryAfterSeconds).toBe(12);
  });

  it('5xx is transient', async () => {
    fake.scenario.injectHttp({ status: 503, method: 'GET' });
    const err = await providerError(vast.status({ attemptId: 'x', providerRef: '1' }));
    expect(err.kind).toBe('transient');
    expect(err.retryAfterSeconds).toBeUndefined();
  });

  it('a wrong or revoked key is an auth error', async () => {
    const wrong = createVastProvider({ baseUrl: fake.url, apiKey: 'nope' });
    expect((await providerError(wrong.listOwned())).kind).toBe('auth');
    // searchOffers documents 404 "Invalid user key" as its answer to a bad key.
    expect((await providerError(wrong.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 10 }))).kind).toBe('auth');
    const offer = await firstOffer();
    fake.scenario.revokeAuth();
    expect((await providerError(vast.launch(request(offer)))).kind).toBe('auth');
    expect(fake.instances()).toHaveLength(0);
  });

  it('listOwned reads every page of the v1 list (25 per page)', async () => {
    await fake.close();
    fake = await startVastFake({
      seed: 9,
      apiKey: 'k-vast',
      scenario: { supply: [{ model: 'RTX 3090', vramGb: 24, machines: 60, gpusPerMachine: 1, pricePerGpuHourUsd: 0.2 }] },
    });
    vast = createVastProvider({ baseUrl: fake.url, apiKey: 'k-vast' });
    const offers = await vast.offers({ gpu: { models: ['RTX3090'], count: 1 }, maxPricePerGpuHourUsd: 10 });
    expect(offers.length).toBe(60);
    const refs = await Promise.all(offers.slice(0, 55).map((o, i) => vast.launch(request(o, `att-p${i}`))));
    const owned = await vast.listOwned();
    expect(owned).toHaveLength(55);
    expect(new Set(owned.map((o) => o.providerRef))).toEqual(new Set(refs.map((r) => r.providerRef)));
  });

  it('listOwned returns only instances labelled by Switchyard', async () => {
    const offers = await vast.offers({ gpu: { models: ['RTX4090'], count: 1 }, maxPricePerGpuHourUsd: 10 });
    const a = await vast.launch(request(offers[0]!, 'att-a'));
    const b = await vast.launch(request(offers[1]!, 'att-b'));
    // Someone else's instance on the same account, created directly through the API.
    const res = await fetch(`${fake.url}/api/v0/asks/${offers[2]!.offerId}/`, {
      method: 'PUT',
      headers: { authorization: 'Bearer k-vast', 'content-type': 'application/json' },
      body: JSON.stringify({ image: 'nginx', label: 'hand-made' }),
    });
    expect(res.status).toBe(200);
    const owned = await vast.listOwned();
    expect(owned.sort((x, y) => x.attemptId.localeCompare(y.attemptId))).toEqual([
      { attemptId: 'att-a', providerRef: a.providerRef },
      { attemptId: 'att-b', providerRef: b.providerRef },
    ]);
  });

  it('info reports disabled without a key', () => {
    expect(createVastProvider({ apiKey: '' }).info()).toMatchObject({ enabled: false, health: 'disabled' });
    expect(vast.info()).toMatchObject({ name: 'vastai', kind: 'decentralized', enabled: true });
  });
});
