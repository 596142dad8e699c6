// The Nosana adapter driven through its real HTTP client against the fake Nosana API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchRequest, Offer, OfferQuery } from '../../src/core/provider.js';
import { startNosanaFake, type NosanaFake } from '../../src/market/nosana-fake.js';
import { createNosanaProvider, type NosanaProvider } from '../../src/providers/nosana/index.js';
import { providerError } from './support/errors.js';
import { firstOfferOf, launchRequest } from './support/requests.js';
import { waitForState } from './support/wait.js';

let fake: NosanaFake;
let nosana: NosanaProvider;
const KEY = 'nos_k_test';

beforeEach(async () => {
  fake = await startNosanaFake({ seed: 11, apiKey: KEY, scenario: { startDelayMs: 150, runMs: 250 } });
  nosana = createNosanaProvider({ baseUrl: `${fake.url}/api`, apiKey: KEY });
});
afterEach(async () => fake.close());

const request = (offer: Offer, attemptId = 'att-1', maxDurationSeconds = 600): LaunchRequest =>
  launchRequest(attemptId, offer, {
    jobId: 'job-1',
    image: 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
    command: ['python', '-c', 'print(1)'],
    env: { FOO: 'bar' },
    maxDurationSeconds,
    maxPricePerGpuHourUsd: 5,
  });

const query = (models: string[], count = 1, max = 10, extra: Partial<OfferQuery['gpu']> = {}): OfferQuery => ({
  gpu: { models, count, ...extra },
  maxPricePerGpuHourUsd: max,
});

const firstOffer = (models = ['H100']): Promise<Offer> => firstOfferOf(nosana, query(models));

const addressOf = (name: string): string => fake.markets.find((m) => m.name === name)!.address;

describe('nosana adapter', () => {
  it('offers come from the markets, priced with the network fee, filtered by model, count, VRAM, tier and ceiling', async () => {
    const h100 = await nosana.offers(query(['H100']));
    expect(h100.map((o) => [o.offerId, o.pricePerGpuHourUsd])).toEqual([
      [addressOf('NVIDIA H100 Community'), 1.125], // 1.0227 × 1.10
      [addressOf('NVIDIA H100'), 1.5], // 1.3636 × 1.10
    ]);
    expect(h100.every((o) => o.provider === 'nosana' && o.gpuModel === 'H100' && o.gpuCount === 1 && o.vramGb === 80)).toBe(true);

    expect((await nosana.offers(query(['H100'], 1, 1.2))).map((o) => o.offerId)).toEqual([addressOf('NVIDIA H100 Community')]);
    const eight = await nosana.offers(query(['H100'], 8));
    expect(eight.map((o) => [o.offerId, o.gpuCount, o.pricePerGpuHourUsd])).toEqual([[addressOf('NVIDIA 8x H100'), 8, 2.5025]]);

    const big = await nosana.offers(query(['RTX4090', 'RTX5090'], 1, 10, { minVramGb: 32 }));
    expect(big.map((o) => o.gpuModel)).toEqual(['RTX5090']);
    expect(await nosana.offers(query(['A100-80GB']))).toEqual([]);
    expect(await nosana.offers({ ...query(['H100']), regions: ['US'] })).toEqual([]);

    const premium = createNosanaProvider({ baseUrl: `${fake.url}/api`, apiKey: KEY, marketTypes: ['PREMIUM'] });
    expect((await premium.offers(query(['RTX4090']))).map((o) => o.offerId)).toEqual([addressOf('NVIDIA 4090')]);
  });

  it('launch -> pending -> running -> succeeded, with the job definition Nosana documents', async () => {
    const offer = await firstOffer();
    const { providerRef } = await nosana.launch(request(offer));
    expect((await nosana.status({ attemptId: 'att-1', providerRef })).state).toBe('pending');
    const { seen, final } = await waitForState(nosana, { attemptId: 'att-1', providerRef }, 'succeeded');
    expect(seen).toEqual(['pending', 'running', 'succeeded']);
    expect(final.exitCode).toBe(0);
    const [dep] = fake.deployments();
    expect(dep).toMatchObject({ id: providerRef, name: 'switchyard-att-1', market: offer.offerId, timeout: 60, status: 'STOPPED' });
    expect(dep!.jobDefinition).toMatchObject({
      version: '0.1',
      type: 'container',
      ops: [
        {
          type: 'container/run',
          args: {
            image: 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
            cmd: ['python', '-c', 'print(1)'],
            gpu: true,
            env: { FOO: 'bar', SWITCHYARD_ATTEMPT_ID: 'att-1', SWITCHYARD_JOB_ID: 'job-1' },
          },
        },
      ],
    });
  });

  it('a failing workload is failed with the exit code from the job result', async () => {
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 3 });
    const { providerRef } = await nosana.launch(request(await firstOffer(), 'att-f', 3 * 3600));
    const { final } = await waitForState(nosana, { attemptId: 'att-f', providerRef }, 'failed');
    expect(final.exitCode).toBe(3);
    expect(final.providerFault).toBeFalsy();
    expect(final.outputTail).toContain('exit status 3');
    expect(fake.deployments()[0]!.timeout).toBe(180);
  });

  it('launch is idempotent by attemptId, and a retry starts a deployment whose start failed', async () => {
    const offer = await firstOffer();
    const a = await nosana.launch(request(offer, 'att-idem'));
    const b = await nosana.launch(request(offer, 'att-idem'));
    expect(b.providerRef).toBe(a.providerRef);
    expect(fake.deployments()).toHaveLength(1);

    fake.scenario.injectHttp({ status: 503, method: 'POST', path: /\/start$/ });
    const err = await providerError(nosana.launch(request(offer, 'att-half')));
    expect(err.kind).toBe('transient');
    expect(fake.deployments().find((d) => d.name === 'switchyard-att-half')?.status).toBe('DRAFT');
    const retried = await nosana.launch(request(offer, 'att-half'));
    expect(fake.deployments().filter((d) => d.name === 'switchyard-att-half')).toHaveLength(1);
    await waitForState(nosana, { attemptId: 'att-half', providerRef: retried.providerRef }, 'succeeded');
  });

  it('cancel stops the deployment and is idempotent', async () => {
    fake.scenario.runMs = 5_000;
    const { providerRef } = await nosana.launch(request(await firstOffer(), 'att-c'));
    await waitForState(nosana, { attemptId: 'att-c', providerRef }, 'running');
    await nosana.cancel({ attemptId: 'att-c', providerRef });
    expect(['STOPPING', 'STOPPED']).toContain(fake.deployments()[0]!.status);
    await nosana.cancel({ attemptId: 'att-c', providerRef });
    await nosana.cancel({ attemptId: 'att-c' });
    await nosana.cancel({ attemptId: 'never-launched' });
    await nosana.cancel({ attemptId: 'x', providerRef: 'NoSuchDeployment1111111111111111111111111111' });
    await new Promise((r) => setTimeout(r, 30));
    expect(await nosana.listOwned()).toEqual([]);
    // Once STOPPED, the next cancel archives it (archive is allowed only from STOPPED).
    await nosana.cancel({ attemptId: 'att-c', providerRef });
    expect(fake.deployments()[0]!.status).toBe('ARCHIVED');
    await nosana.cancel({ attemptId: 'att-c', providerRef });
    expect((await nosana.status({ attemptId: 'att-c', providerRef })).state).toBe('lost');
  });

  it('cancel of a finished job archives its STOPPED deployment; status still reports the outcome first', async () => {
    const { providerRef } = await nosana.launch(request(await firstOffer(), 'att-done'));
    const { final } = await waitForState(nosana, { attemptId: 'att-done', providerRef }, 'succeeded');
    expect(final.exitCode).toBe(0);
    await nosana.cancel({ attemptId: 'att-done', providerRef });
    expect(fake.deployments()[0]!.status).toBe('ARCHIVED');
  });

  it('cancel of a DRAFT sends nothing the API refuses (no stop, archive or delete from DRAFT), and status calls it never started', async () => {
    fake.scenario.injectHttp({ status: 503, method: 'POST', path: /\/start$/ });
    await providerError(nosana.launch(request(await firstOffer(), 'att-draft')));
    const [draft] = fake.deployments();
    expect(draft!.status).toBe('DRAFT');
    const calls: string[] = [];
    const spy = createNosanaProvider({
      baseUrl: `${fake.url}/api`,
      apiKey: KEY,
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
        return fetch(url, init);
      }) as typeof fetch,
    });
    await spy.cancel({ attemptId: 'att-draft', providerRef: draft!.id });
    await spy.cancel({ attemptId: 'att-draft' });
    expect(calls.every((c) => c.startsWith('GET '))).toBe(true);
    expect(fake.deployments()[0]!.status).toBe('DRAFT');
    expect(await spy.status({ attemptId: 'att-draft', providerRef: draft!.id })).toMatchObject({ state: 'lost', providerFault: true });
  });

  it('the fake answers a wrong-state request with the documented 500, which the adapter reads as permanent', async () => {
    fake.scenario.runMs = 5_000;
    const { providerRef } = await nosana.launch(request(await firstOffer(), 'att-w'));
    await waitForState(nosana, { attemptId: 'att-w', providerRef }, 'running');
    const res = await fetch(`${fake.url}/api/deployments/${providerRef}/archive`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'Deployment is in the incorrect state.' });
    const { createNosanaClient } = await import('../../src/providers/nosana/client.js');
    const client = createNosanaClient({ baseUrl: `${fake.url}/api`, apiKey: KEY });
    const err = await providerError(client.call('POST', `/deployments/${providerRef}/start`));
    expect(err.kind).toBe('permanent');
  });

  it("status of a deployment that carries another attempt's name is lost, never success", async () => {
    const { providerRef } = await nosana.launch(request(await firstOffer(), 'att-mine'));
    await waitForState(nosana, { attemptId: 'att-mine', providerRef }, 'succeeded');
    const other = await nosana.status({ attemptId: 'att-other', providerRef });
    expect(other).toMatchObject({ state: 'lost', providerFault: true });
    expect(other.message).toContain('switchyard-att-mine');
    await nosana.cancel({ attemptId: 'att-other', providerRef }); // not ours: left alone
    expect(fake.deployments()[0]!.status).toBe('STOPPED');
  });

  it('cancel while STARTING is a transient error with a retry hint, and works once RUNNING', async () => {
    const slow = await startNosanaFake({ seed: 3, apiKey: KEY, listDelayMs: 400, scenario: { startDelayMs: 40, runMs: 5_000 } });
    try {
      const p = createNosanaProvider({ baseUrl: `${slow.url}/api`, apiKey: KEY, cancelRetrySeconds: 7 });
      const offer = (await p.offers(query(['RTX4090'])))[0]!;
      const { providerRef } = await p.launch(request(offer, 'att-s'));
      const err = await providerError(p.cancel({ attemptId: 'att-s', providerRef }));
      expect(err.kind).toBe('transient');
      expect(err.retryAfterSeconds).toBe(7);
      await new Promise((r) => setTimeout(r, 500));
      await p.cancel({ attemptId: 'att-s', providerRef });
      expect(['STOPPING', 'STOPPED']).toContain(slow.deployments()[0]!.status);
    } finally {
      await slow.close();
    }
  });

  it('a node that goes away mid-run is lost with providerFault', async () => {
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 100 });
    const { providerRef } = await nosana.launch(request(await firstOffer()));
    const { final, seen } = await waitForState(nosana, { attemptId: 'att-1', providerRef }, 'lost');
    expect(seen).toContain('running');
    expect(final.providerFault).toBe(true);
    expect(final.exitCode).toBeUndefined();
  });

  it('a job no node picks up stays pending (hang), and a full market queues the next job', async () => {
    fake.scenario.planNextLaunch({ kind: 'hang' });
    const { providerRef } = await nosana.launch(request(await firstOffer(['RTX5090']), 'att-h'));
    await new Promise((r) => setTimeout(r, 200));
    // No node takes it: on Nosana that is the market's queue, a wait for a machine (not billed; billing starts at running).
    expect(await nosana.status({ attemptId: 'att-h', providerRef })).toMatchObject({ state: 'pending', queuedForCapacity: true });

    // The 5090 market has two nodes; the hung job holds one. One more runs, a third waits.
    fake.scenario.runMs = 400;
    const offer = await firstOffer(['RTX5090']);
    const second = await nosana.launch(request(offer, 'att-2'));
    const third = await nosana.launch(request(offer, 'att-3'));
    await waitForState(nosana, { attemptId: 'att-2', providerRef: second.providerRef }, 'running');
    // Queued for a node: a wait for capacity, which the core does not count as a failed start.
    expect(await nosana.status({ attemptId: 'att-3', providerRef: third.providerRef })).toMatchObject({ state: 'pending', queuedForCapacity: true });
    await waitForState(nosana, { attemptId: 'att-3', providerRef: third.providerRef }, 'running');
  });

  it('a deployment on a market that does not exist fails as a provider fault', async () => {
    const offer = { ...(await firstOffer()), offerId: 'NoSuchMarket11111111111111111111111111111111' };
    const { providerRef } = await nosana.launch(request(offer, 'att-m'));
    const { final } = await waitForState(nosana, { attemptId: 'att-m', providerRef }, 'failed');
    expect(final.providerFault).toBe(true);
  });

  it('a refused create (out of credits, 402) is a capacity error', async () => {
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const err = await providerError(nosana.launch(request(await firstOffer())));
    expect(err.kind).toBe('capacity');
    expect(fake.deployments()).toHaveLength(0);
  });

  it('429 is transient with retryAfterSeconds from Retry-After', async () => {
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 12, path: /\/api\/deployments\/create$/ });
    const err = await providerError(nosana.launch(request(await firstOffer())));
    expect(err.kind).toBe('transient');
    expect(err.retryAfterSeconds).toBe(12);
  });

  it('5xx is transient', async () => {
    fake.scenario.injectHttp({ status: 502, path: /markets/ });
    const err = await providerError(nosana.offers(query(['H100'])));
    expect(err.kind).toBe('transient');
    expect(err.retryAfterSeconds).toBeUndefined();
  });

  it('a wrong or revoked key is an auth error; markets stay public', async () => {
    const wrong = createNosanaProvider({ baseUrl: `${fake.url}/api`, apiKey: 'nos_wrong' });
    expect((await providerError(wrong.listOwned())).kind).toBe('auth');
    fake.scenario.revokeAuth();
    const offer = await firstOffer();
    expect((await providerError(nosana.launch(request(offer)))).kind).toBe('auth');
    expect((await providerError(nosana.status({ attemptId: 'att-1', providerRef: 'x' }))).kind).toBe('auth');
    expect(fake.deployments()).toHaveLength(0);
  });

  it('status of an unknown deployment is unknown-job', async () => {
    expect((await providerError(nosana.status({ attemptId: 'nope' }))).kind).toBe('unknown-job');
    const err = await providerError(nosana.status({ attemptId: 'nope', providerRef: 'NoSuchDeployment1111111111111111111111111111' }));
    expect(err.kind).toBe('unknown-job');
  });

  it('listOwned returns live deployments named by Switchyard, across pages', async () => {
    fake.scenario.runMs = 5_000;
    nosana = createNosanaProvider({ baseUrl: `${fake.url}/api`, apiKey: KEY, pageSize: 10 });
    const offers = await nosana.offers(query(['RTX3060']));
    const refs = [];
    for (let i = 0; i < 12; i += 1) refs.push(await nosana.launch(request(offers[i % 2]!, `att-${String(i).padStart(2, '0')}`)));
    // Someone else's deployment on the same account, created directly through the API.
    const res = await fetch(`${fake.url}/api/deployments/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'hand-made', market: offers[0]!.offerId, replicas: 1, timeout: 60, strategy: 'SIMPLE',
        job_definition: { version: '0.1', type: 'container', ops: [{ type: 'container/run', id: 'x', args: { image: 'ubuntu' } }] },
      }),
    });
    expect(res.status).toBe(200);
    // Nosana refuses to stop a deployment that is still STARTING: let it come up first.
    await waitForState(nosana, { attemptId: 'att-00', providerRef: refs[0]!.providerRef }, 'running');
    await nosana.cancel({ attemptId: 'att-00', providerRef: refs[0]!.providerRef });
    await new Promise((r) => setTimeout(r, 30));
    const owned = (await nosana.listOwned()).sort((x, y) => x.attemptId.localeCompare(y.attemptId));
    expect(owned).toHaveLength(11);
    expect(owned[0]).toEqual({ attemptId: 'att-01', providerRef: refs[1]!.providerRef });
    expect(owned.map((o) => o.attemptId)).not.toContain('att-00');
  });

  it('the base is {host}/api: the default host, a bare host given, or a full base URL', async () => {
    const { nosanaBaseUrl } = await import('../../src/providers/nosana/client.js');
    expect(nosanaBaseUrl(undefined)).toBe('https://api.nosana.com/api');
    expect(nosanaBaseUrl('https://dashboard.k8s.prd.nos.ci')).toBe('https://dashboard.k8s.prd.nos.ci/api');
    expect(nosanaBaseUrl('https://dashboard.k8s.prd.nos.ci/api/')).toBe('https://dashboard.k8s.prd.nos.ci/api');
    const bare = createNosanaProvider({ baseUrl: fake.url, apiKey: KEY });
    expect((await bare.offers(query(['H100']))).length).toBeGreaterThan(0);
  });

  it('info reports disabled without a key', () => {
    expect(createNosanaProvider({ apiKey: '' }).info()).toMatchObject({ enabled: false, health: 'disabled' });
    expect(nosana.info()).toMatchObject({ name: 'nosana', kind: 'decentralized', enabled: true });
  });
});
