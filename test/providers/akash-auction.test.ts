// An Akash launch the reconciler finishes (LaunchRequest.mayFinishLater): launch returns once
// the deployment exists, and later status reads with the launch state lease the best bid,
// or end the attempt as a capacity refusal once the auction window closes. Through the
// adapter's real HTTP client against the fake Console API.
import { afterEach, describe, expect, it } from 'vitest';
import type { LaunchRequest, Offer } from '../../src/core/provider.js';
import { startAkashFake, type AkashFake } from '../../src/market/akash-fake.js';
import { createAkashProvider, type AkashProvider } from '../../src/providers/akash/index.js';
import { launchRequest } from './support/requests.js';
import { waitForState } from './support/wait.js';

let fake: AkashFake;
afterEach(async () => fake.close());

const setUp = async (bidDelayMs: number, bidWaitMs = 1_000): Promise<AkashProvider> => {
  fake = await startAkashFake({ seed: 11, apiKey: 'k-akash', scenario: { startDelayMs: 50, runMs: 50 }, bidDelayMs });
  // A bid poll far longer than the test: a launch that waited in the call would time out.
  return createAkashProvider({ baseUrl: fake.url, apiKey: 'k-akash', bidWaitMs, bidPollMs: 60_000 });
};

const h100 = async (akash: AkashProvider): Promise<Offer> => (await akash.offers({ gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 5 }))[0]!;
const later = (offer: Offer, attemptId: string): LaunchRequest =>
  launchRequest(attemptId, offer, { env: { TOKEN: 'not-in-the-ref' }, maxDurationSeconds: 600, mayFinishLater: true });

describe('akash auction finished by status reads', () => {
  it('launch returns before any bid with the manifest as its state; reads with it lease the cheapest bid and the job runs', async () => {
    const akash = await setUp(200);
    const started = Date.now();
    const launched = await akash.launch(later(await h100(akash), 'att-a'));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(launched.launchState).toBeDefined();
    expect(JSON.parse(launched.launchState!)).toMatchObject({ v: 1, gpus: 1, max: 5, model: 'h100' });
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'active', leased: false })]);
    const ref = { attemptId: 'att-a', providerRef: launched.providerRef, launchState: launched.launchState! };

    const early = await akash.status(ref);
    expect(early).toMatchObject({ state: 'pending', message: expect.stringContaining('auction open') });
    // A read without the state (another caller) only reads: no lease.
    await new Promise((r) => setTimeout(r, 250));
    expect((await akash.status({ attemptId: 'att-a', providerRef: launched.providerRef })).state).toBe('pending');
    expect(fake.deployments()[0]!.leased).toBe(false);

    const leased = await akash.status(ref);
    expect(leased).toMatchObject({ state: 'pending', message: expect.stringContaining('leased to akash1') });
    expect(fake.deployments()[0]!.leased).toBe(true);
    const { final } = await waitForState(akash, ref, 'succeeded');
    expect(final.exitCode).toBe(0);
  });

  it('a bid already in at launch is leased in the call, and no state is returned', async () => {
    const akash = await setUp(0);
    const launched = await akash.launch(later(await h100(akash), 'att-b'));
    expect(launched.launchState).toBeUndefined();
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'active', leased: true })]);
  });

  it('no acceptable bid by the end of the window is a capacity refusal with the deployment still held, and cancel closes it', async () => {
    const akash = await setUp(10, 300);
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const launched = await akash.launch(later(await h100(akash), 'att-c'));
    const ref = { attemptId: 'att-c', providerRef: launched.providerRef, launchState: launched.launchState! };
    expect((await akash.status(ref)).state).toBe('pending');
    await new Promise((r) => setTimeout(r, 350));
    const ended = await akash.status(ref);
    expect(ended).toMatchObject({ state: 'lost', noCapacity: true, resource: 'held', message: expect.stringContaining('no bid at or under $5/GPU-hour') });
    await akash.cancel(ref);
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'closed', leased: false })]);
  });

  it('two reads racing to lease the same auction both answer pending (the loser\'s lease is refused), one lease; an unreadable state only reads', async () => {
    const akash = await setUp(100);
    const launched = await akash.launch(later(await h100(akash), 'att-d'));
    const ref = { attemptId: 'att-d', providerRef: launched.providerRef, launchState: launched.launchState! };
    await new Promise((r) => setTimeout(r, 150));
    const both = await Promise.all([akash.status(ref), akash.status(ref)]);
    expect(both.map((s) => s.state)).toEqual(['pending', 'pending']);
    expect(both.map((s) => s.message).sort()).toEqual([expect.stringContaining('lease to akash1'), expect.stringContaining('leased to akash1')]);
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'active', leased: true })]);
    const other = await akash.launch(later(await h100(akash), 'att-e'));
    const garbled = await akash.status({ attemptId: 'att-e', providerRef: other.providerRef, launchState: 'not json' });
    expect(garbled).toMatchObject({ state: 'pending', message: expect.stringContaining('unreadable') });
  });

  it('a bid that closed between the look and the lease (400) is not the job\'s fault: capacity in the call, looked at again when finished later', async () => {
    const akash = await setUp(0);
    const offer = await h100(akash);
    fake.scenario.injectHttp({ status: 400, method: 'POST', path: /^\/v1\/leases$/ });
    const inCall = createAkashProvider({ baseUrl: fake.url, apiKey: 'k-akash', bidWaitMs: 200, bidPollMs: 10 });
    const refused = await inCall.launch(launchRequest('att-f', offer, { maxDurationSeconds: 600 })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'capacity', message: expect.stringContaining('no longer open') });
    expect(fake.deployments()).toEqual([expect.objectContaining({ state: 'closed', leased: false })]);

    fake.scenario.injectHttp({ status: 400, method: 'POST', path: /^\/v1\/leases$/ });
    const launched = await akash.launch(later(offer, 'att-g'));
    expect(launched.launchState).toBeDefined();
    expect(fake.deployments()[1]).toMatchObject({ state: 'active', leased: false });
    const next = await akash.status({ attemptId: 'att-g', providerRef: launched.providerRef, launchState: launched.launchState! });
    expect(next.message).toContain('leased to');
    expect(fake.deployments()[1]!.leased).toBe(true);
  });
});
