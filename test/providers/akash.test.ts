// The Akash adapter driven through its real HTTP client against the fake Console API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchRequest, Offer } from '../../src/core/provider.js';
import { startAkashFake, type AkashFake } from '../../src/market/akash-fake.js';
import { AKASH_USDC_IBC_DENOM, NO_EXIT_CODE, UACT, createAkashProvider, depositUsd, maxAmountPerBlock, usdPerGpuHour, type AkashProvider } from '../../src/providers/akash/index.js';
import { providerError } from './support/errors.js';
import { launchRequest } from './support/requests.js';
import { waitForState } from './support/wait.js';

let fake: AkashFake;
let akash: AkashProvider;

beforeEach(async () => {
  fake = await startAkashFake({ seed: 11, apiKey: 'k-akash', scenario: { startDelayMs: 400, runMs: 300 }, bidDelayMs: 15 });
  akash = createAkashProvider({ baseUrl: fake.url, apiKey: 'k-akash', bidWaitMs: 1_000, bidPollMs: 10 });
});
afterEach(async () => fake.close());

const request = (offer: Offer, attemptId = 'att-1'): LaunchRequest =>
  launchRequest(attemptId, offer, {
    jobId: 'job-1',
    image: 'pytorch/pytorch:2.4.0',
    command: ['python', '-c', "print('it''s done')"],
    env: { FOO: 'bar' },
    maxDurationSeconds: 600,
  });

const h100 = async (max = 5, count = 1): Promise<Offer> => {
  const offers = await akash.offers({ gpu: { models: ['H100'], count }, maxPricePerGpuHourUsd: max });
  expect(offers).toHaveLength(1);
  return offers[0]!;
};

const bids = async (dseq: string) =>
  ((await (await fetch(`${fake.url}/v1/bids?dseq=${dseq}`, { headers: { 'x-api-key': 'k-akash' } })).json()) as {
    data: Array<{ bid: { id: { provider: string }; state: string; price: { denom: string; amount: string } } }>;
  }).data;

describe('akash pricing', () => {
  it('converts per-block micro-denom bids to USD per GPU-hour and back', () => {
    const p = { usdPerDenom: { [AKASH_USDC_IBC_DENOM]: 1, uakt: 2 }, blocksPerHour: 600, sdlDenom: AKASH_USDC_IBC_DENOM };
    // 5000 uusdc/block × 600 blocks/h = 3 USDC/h for 2 GPUs = 1.5 USD/GPU-h
    expect(usdPerGpuHour({ denom: AKASH_USDC_IBC_DENOM, amount: '5000.000000000000000000' }, 2, p)).toBeCloseTo(1.5);
    expect(usdPerGpuHour({ denom: 'uakt', amount: '1000' }, 1, p)).toBeCloseTo(1.2);
    expect(usdPerGpuHour({ denom: 'uatom', amount: '1000' }, 1, p)).toBeUndefined();
    expect(maxAmountPerBlock(1.5, 2, p)).toBe(5000);
    // uact at the ACT/USD rate: 2000 uact/block × 600 blocks/h × $1.10 = $1.32/h for 1 GPU
    const act = { usdPerDenom: { [UACT]: 1.1 }, blocksPerHour: 600, sdlDenom: UACT };
    expect(usdPerGpuHour({ denom: UACT, amount: '2000' }, 1, act)).toBeCloseTo(1.32);
    expect(maxAmountPerBlock(1.32, 1, act)).toBe(2000);
  });

  it('the deposit covers the whole run at the ceiling, never under the floor', () => {
    expect(depositUsd(2, 4, 3 * 3600, 5)).toBe(24);
    expect(depositUsd(0.3, 1, 600, 5)).toBe(5);
  });
});

describe('akash adapter', () => {
  it('offers come from the GPU price snapshot, filtered by model, count, VRAM, price and region', async () => {
    const offer = await h100();
    expect(offer).toMatchObject({ provider: 'akash', gpuModel: 'H100', gpuCount: 1, vramGb: 80 });
    expect(offer.pricePerGpuHourUsd).toBeGreaterThan(1.5);
    expect(offer.pricePerGpuHourUsd).toBeLessThanOrEqual(5);
    expect(await akash.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 1 })).toEqual([]);
    expect(await akash.offers({ gpu: { models: ['H100'], count: 64 }, maxPricePerGpuHourUsd: 5 })).toEqual([]);
    expect(await akash.offers({ gpu: { models: ['H100'], count: 1, minVramGb: 96 }, maxPricePerGpuHourUsd: 5 })).toEqual([]);
    expect(await akash.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 5, regions: ['us-west'] })).toEqual([]);
    const a100 = await akash.offers({ gpu: { models: ['A100-80GB', 'RTX4090'], count: 2 }, maxPricePerGpuHourUsd: 5 });
    expect(a100.map((o) => o.gpuModel).sort()).toEqual(['A100-80GB', 'RTX4090']);
    expect(a100[0]!.pricePerGpuHourUsd).toBeLessThanOrEqual(a100[1]!.pricePerGpuHourUsd);
  });

  it('launch creates a deployment from the SDL, leases the cheapest bid, and runs to success', async () => {
    const { providerRef } = await akash.launch(request(await h100()));
    const [dep] = fake.deployments();
    expect(dep).toMatchObject({ dseq: providerRef, state: 'active', leased: true });
    expect(dep!.sdl).toContain('SWITCHYARD_ATTEMPT_ID=att-1');
    expect(dep!.sdl).toContain('model: h100');
    expect(dep!.sdl).toContain(`denom: ${UACT}`);
    expect(dep!.sdl).toContain('"switchyard-att-1":'); // the placement group: the ownership mark
    expect(dep!.deposit).toBe(depositUsd(5, 1, 600, 5)); // sent in USD (managed deposits are off)
    const all = await bids(providerRef);
    expect(all.every((b) => b.bid.price.denom === UACT && b.bid.id.provider.startsWith('akash1'))).toBe(true);
    expect(all.length).toBeGreaterThan(1);
    const amounts = all.map((b) => Number(b.bid.price.amount));
    const chosen = all.find((b) => b.bid.state === 'active')!;
    expect(Number(chosen.bid.price.amount)).toBe(Math.min(...amounts));

    const first = await akash.status({ attemptId: 'att-1', providerRef });
    expect(first.state).toBe('pending');
    const { seen, final } = await waitForState(akash, { attemptId: 'att-1', providerRef }, 'succeeded');
    expect(seen).toContain('running');
    expect(final.exitCode).toBe(0);
  });

  it('a failing workload reports failed with its exit code', async () => {
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 3 });
    const { providerRef } = await akash.launch(request(await h100()));
    const { final } = await waitForState(akash, { attemptId: 'att-1', providerRef }, 'failed');
    expect(final.exitCode).toBe(3);
  });

  it('launch is idempotent by attemptId', async () => {
    const offer = await h100();
    const a = await akash.launch(request(offer, 'att-idem'));
    const b = await akash.launch(request(offer, 'att-idem'));
    expect(b.providerRef).toBe(a.providerRef);
    expect(fake.deployments()).toHaveLength(1);
  });

  it('never accepts a bid over the ceiling: no acceptable bid is capacity, and the deployment is closed', async () => {
    const offer = await h100(5);
    // Same offer, ceiling lowered under every host's price.
    const cheap = { ...offer, offerId: offer.offerId.replace(/max=[\d.]+/, 'max=0.5') };
    const err = await providerError(akash.launch(request(cheap)));
    expect(err.kind).toBe('capacity');
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'closed', leased: false })]);
  });

  it('a refused launch (no provider bids) is capacity', async () => {
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const err = await providerError(akash.launch(request(await h100())));
    expect(err.kind).toBe('capacity');
  });

  it('cancel closes the deployment and is idempotent', async () => {
    const { providerRef } = await akash.launch(request(await h100(), 'att-c'));
    await akash.cancel({ attemptId: 'att-c', providerRef });
    expect(fake.deployments()[0]!.state).toBe('closed');
    await akash.cancel({ attemptId: 'att-c', providerRef });
    await akash.cancel({ attemptId: 'att-c' });
    await akash.cancel({ attemptId: 'x', providerRef: '999' });
    expect(await akash.listOwned()).toEqual([]);
  });

  it('a lease the provider closes mid-run is lost with providerFault', async () => {
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 20 });
    const { providerRef } = await akash.launch(request(await h100()));
    const { final, seen } = await waitForState(akash, { attemptId: 'att-1', providerRef }, 'lost');
    expect(seen).toContain('running');
    expect(final.providerFault).toBe(true);
  });

  it('a hung container stays pending', async () => {
    fake.scenario.planNextLaunch({ kind: 'hang' });
    const { providerRef } = await akash.launch(request(await h100()));
    await new Promise((r) => setTimeout(r, 200));
    expect((await akash.status({ attemptId: 'att-1', providerRef })).state).toBe('pending');
  });

  it('unknown dseq is unknown-job', async () => {
    expect((await providerError(akash.status({ attemptId: 'a', providerRef: '42' }))).kind).toBe('unknown-job');
    expect((await providerError(akash.status({ attemptId: 'never' }))).kind).toBe('unknown-job');
  });

  it('429 is transient with retryAfterSeconds; 5xx is transient', async () => {
    const offer = await h100();
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 7, method: 'POST', path: /^\/v1\/deployments$/ });
    const rate = await providerError(akash.launch(request(offer)));
    expect(rate.kind).toBe('transient');
    expect(rate.retryAfterSeconds).toBe(7);
    fake.scenario.injectHttp({ status: 500, path: /gpu-prices/ });
    expect((await providerError(akash.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 5 }))).kind).toBe('transient');
  });

  it('a wrong or revoked API key is auth', async () => {
    const wrong = createAkashProvider({ baseUrl: fake.url, apiKey: 'nope', bidWaitMs: 100, bidPollMs: 10 });
    const offer = await wrong.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 5 }); // public endpoint
    expect((await providerError(wrong.launch(request(offer[0]!)))).kind).toBe('auth');
    fake.scenario.revokeAuth();
    expect((await providerError(akash.listOwned())).kind).toBe('auth');
    expect(fake.deployments()).toHaveLength(0);
  });

  const createForeign = async (sdl: string) => {
    const res = await fetch(`${fake.url}/v1/deployments`, {
      method: 'POST',
      headers: { 'x-api-key': 'k-akash', 'content-type': 'application/json' },
      body: JSON.stringify({ data: { sdl, deposit: 5 } }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { data: { dseq: string } }).data.dseq;
  };

  it('listOwned finds deployments by the placement group named for the attempt, with no console-side settings', async () => {
    const offer = await h100();
    const a = await akash.launch(request(offer, 'att-a'));
    const b = await akash.launch(request(offer, 'att-b'));
    await createForeign(fake.deployments()[0]!.sdl.replaceAll('"switchyard-att-a"', '"dcloud"'));
    const owned = (await akash.listOwned()).sort((x, y) => x.attemptId.localeCompare(y.attemptId));
    expect(owned).toEqual([
      { attemptId: 'att-a', providerRef: a.providerRef },
      { attemptId: 'att-b', providerRef: b.providerRef },
    ]);
  });

  it("status of a deployment that is not this attempt's is lost, never success", async () => {
    const offer = await h100();
    const a = await akash.launch(request(offer, 'att-a'));
    await waitForState(akash, { attemptId: 'att-a', providerRef: a.providerRef }, 'succeeded');
    expect(await akash.status({ attemptId: 'att-z', providerRef: a.providerRef })).toMatchObject({ state: 'lost', providerFault: true });
    const foreign = await createForeign(fake.deployments()[0]!.sdl.replaceAll('"switchyard-att-a"', '"dcloud"'));
    const s = await akash.status({ attemptId: 'att-a', providerRef: foreign });
    expect(s).toMatchObject({ state: 'lost', providerFault: true });
    expect(s.message).toContain('no Switchyard attempt');
  });

  it('the deposit is required when managed deposits are off (the fake refuses without it)', async () => {
    const sdl = (await (async () => {
      await akash.launch(request(await h100(), 'att-d'));
      return fake.deployments()[0]!.sdl;
    })());
    const res = await fetch(`${fake.url}/v1/deployments`, {
      method: 'POST',
      headers: { 'x-api-key': 'k-akash', 'content-type': 'application/json' },
      body: JSON.stringify({ data: { sdl } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'BadRequest', message: 'deposit is required' });
  });

  it('a lease that cannot be made closes the deployment at once', async () => {
    const offer = await h100();
    fake.scenario.injectHttp({ status: 500, method: 'POST', path: /^\/v1\/leases$/ });
    expect((await providerError(akash.launch(request(offer, 'att-l')))).kind).toBe('transient');
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'closed', leased: false })]);
    expect(await akash.listOwned()).toEqual([]);
  });

  it('one 503 on the deployment reads is transient, never "no longer knows the attempt"; only a 404 means gone', async () => {
    const { providerRef } = await akash.launch(request(await h100(), 'att-503'));
    // A fresh adapter (as after our restart): it has not cached the deployment's owner either.
    const fresh = createAkashProvider({ baseUrl: fake.url, apiKey: 'k-akash' });
    for (const path of [new RegExp(`^/v1/deployments/${providerRef}$`), new RegExp(`^/v1/deployment/[^/]+/${providerRef}$`)]) {
      fake.scenario.injectHttp({ status: 503, method: 'GET', path });
      expect((await providerError(fresh.status({ attemptId: 'att-503', providerRef }))).kind).toBe('transient');
    }
    fake.scenario.injectHttp({ status: 503, method: 'GET', path: /^\/v1\/deployments$/ });
    expect((await providerError(fresh.status({ attemptId: 'att-503' }))).kind).toBe('transient'); // no handle: found by listing
    expect((await fresh.status({ attemptId: 'att-503', providerRef })).state).not.toBe('lost');
    expect((await providerError(fresh.status({ attemptId: 'att-503', providerRef: '999999999' }))).kind).toBe('unknown-job');
  });

  it('a job without a command runs, and says its exit code is not reported by Akash', async () => {
    const { providerRef } = await akash.launch({ ...request(await h100(), 'att-n'), command: [] });
    const { final } = await waitForState(akash, { attemptId: 'att-n', providerRef }, 'running');
    await new Promise((r) => setTimeout(r, 400)); // past the fake's run time: still no end to see
    const later = await akash.status({ attemptId: 'att-n', providerRef });
    expect(later.state).toBe('running');
    expect(later.message).toBe(NO_EXIT_CODE);
    expect(final.message).toBe(NO_EXIT_CODE);
  });

  it('a provider token that stops being accepted is replaced on the next read', async () => {
    fake.scenario.runMs = 600;
    const { providerRef } = await akash.launch(request(await h100(), 'att-t'));
    await waitForState(akash, { attemptId: 'att-t', providerRef }, 'running');
    fake.expireProviderTokens();
    const refused = await akash.status({ attemptId: 'att-t', providerRef });
    expect(refused.state).toBe('running');
    expect(refused.message).toContain('lease logs unreadable');
    const { final } = await waitForState(akash, { attemptId: 'att-t', providerRef }, 'succeeded');
    expect(final.exitCode).toBe(0);
  });

  it('after the job ends, cancel closes the deployment and status then says it is gone', async () => {
    const { providerRef } = await akash.launch(request(await h100(), 'att-e'));
    await waitForState(akash, { attemptId: 'att-e', providerRef }, 'succeeded');
    await akash.cancel({ attemptId: 'att-e', providerRef });
    expect(fake.deployments()[0]!.state).toBe('closed');
    expect(await akash.status({ attemptId: 'att-e', providerRef })).toMatchObject({ state: 'lost' });
    expect(await akash.listOwned()).toEqual([]);
  });
});

describe('the lease log stream client (RFC 6455, against the fake provider daemon)', () => {
  it('reads short, 16-bit and 64-bit length frames, and is refused without a valid token', async () => {
    const { startAkashProviderDaemon } = await import('../../src/market/akash-provider-daemon.js');
    const { readWebSocketText, WebSocketReadError } = await import('../../src/providers/akash/ws-text.js');
    const lines = ['short', 'x'.repeat(300), 'y'.repeat(70_000)];
    const daemon = await startAkashProviderDaemon({ tokenValid: (t) => t === 'good', logs: (dseq) => (dseq === '7' ? lines : undefined) });
    try {
      const got = await readWebSocketText(`${daemon.url}/lease/7/1/1/logs?follow=false&service=job`, { authorization: 'Bearer good' });
      expect(got.map((m) => (JSON.parse(m) as { message: string }).message)).toEqual(lines);
      const tail = await readWebSocketText(`${daemon.url}/lease/7/1/1/logs?follow=false&tail=1&service=job`, { authorization: 'Bearer good' });
      expect(tail).toHaveLength(1);
      const refused = await readWebSocketText(`${daemon.url}/lease/7/1/1/logs?service=job`, { authorization: 'Bearer bad' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WebSocketReadError);
      expect((refused as InstanceType<typeof WebSocketReadError>).status).toBe(401);
    } finally {
      await daemon.close();
    }
  });
});
