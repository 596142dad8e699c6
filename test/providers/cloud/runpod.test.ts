// The RunPod adapter, over fetch against the fake RunPod REST v2 API on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../../src/core/provider.js';
import { NO_CAPACITY_MESSAGE, startRunPodFake } from '../../../src/market/cloud/runpod-fake.js';
import { createRunPodProvider, podArgsFor, WRAPPER_SCRIPT, type RunPodProvider } from '../../../src/providers/runpod/runpod-provider.js';
import { cloudHarness } from '../support/cloud.js';
import { providerError } from '../support/errors.js';
import { firstOfferOf, launchRequest, query } from '../support/requests.js';

const setup = cloudHarness(
  (now) => startRunPodFake({ seed: 11, now, startDelayMs: 100, runMs: 200 }),
  (fake) => createRunPodProvider({ apiKey: fake.apiKey, baseUrl: fake.url }),
);

const offerFor = (provider: RunPodProvider, model = 'RTX4090'): Promise<Offer> => firstOfferOf(provider, query([model], 100));

describe('RunPod adapter', () => {
  it('offers GPU types by model and price, cheapest cloud first', async () => {
    const { provider } = await setup();
    const h100 = await provider.offers(query(['H100'], 10));
    expect(h100.map((o) => o.offerId)).toEqual(['COMMUNITY:NVIDIA H100 PCIe', 'SECURE:NVIDIA H100 80GB HBM3']);
    expect((await provider.offers(query(['H100'], 2.0))).map((o) => o.pricePerGpuHourUsd)).toEqual([1.99]);
    expect(await provider.offers(query(['B200'], 100))).toEqual([]);
    // RunPod does not promise a region, so a region-constrained job gets no offer.
    expect(await provider.offers(query(['H100'], 10, { regions: ['EU-RO-1'] }))).toEqual([]);
  });

  it('runs a pod from create to success and sends the wrapped command as one shell-quoted args string', async () => {
    const { fake, provider, clock } = await setup();
    const request = launchRequest('att-ok', await offerFor(provider));
    const { providerRef } = await provider.launch(request);
    const ref = { attemptId: 'att-ok', providerRef };
    expect((await provider.status(ref)).state).toBe('pending');
    clock.advance(150);
    expect((await provider.status(ref)).state).toBe('running');
    clock.advance(200);
    const done = await provider.status(ref);
    expect(done).toMatchObject({ state: 'succeeded' });
    expect(done.exitCode).toBeUndefined();
    expect(done.message).toContain('exit code not reported by RunPod');

    const pod = fake.pods.get(providerRef)!;
    expect(pod.name).toBe('switchyard-att-ok');
    expect(pod.gpuTypeId).toBe('NVIDIA GeForce RTX 4090');
    expect(pod.cloud).toBe('COMMUNITY');
    expect(pod.args).toBe(podArgsFor(request.command));
    expect(pod.env).toMatchObject({ MODEL: 'llama', SWITCHYARD_ATTEMPT_ID: 'att-ok' });
  });

  it('quotes args so a POSIX shell splits them back into exactly the argv meant', () => {
    // The job agent's shape: sh -c SCRIPT switchyard-agent <user command…>, with quotes, $ and spaces.
    const command = ['sh', '-c', 'echo "$1" \'quoted\' $HOME; exit 3', 'switchyard-agent', 'python', 'a b.py', "it's", '$(rm -rf /)', ''];
    const args = podArgsFor(command);
    const argv = execFileSync('sh', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'split', args], { encoding: 'utf8' }).split('\0').slice(0, -1);
    expect(argv).toEqual(['sh', '-c', WRAPPER_SCRIPT, 'switchyard', ...command]);
  });

  it('reports a failed command as failed, not as a lost machine (RunPod has no exit code)', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 2 });
    const { providerRef } = await provider.launch(launchRequest('att-fail', await offerFor(provider)));
    clock.advance(400);
    const s = await provider.status({ attemptId: 'att-fail', providerRef });
    expect(s).toMatchObject({ state: 'failed', providerFault: false });
    expect(s.exitCode).toBeUndefined();
    expect(s.message).toContain('exit code not reported by RunPod');
  });

  it('reports a pod id that now carries another workload as lost, never as this attempt', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-mine', await offerFor(provider)));
    clock.advance(400);
    // The id now answers for somebody else's pod (reused id, or a pod created by hand).
    const pod = fake.pods.get(providerRef)!;
    pod.name = 'switchyard-att-other';
    pod.env = { SWITCHYARD_ATTEMPT_ID: 'att-other' };
    expect(await provider.status({ attemptId: 'att-mine', providerRef })).toMatchObject({ state: 'lost', providerFault: true });
    // …and cancelling this attempt leaves the other workload alone.
    await provider.cancel({ attemptId: 'att-mine', providerRef });
    expect(pod.deleted).toBeUndefined();
  });

  it('creates one pod per attempt id', async () => {
    const { fake, provider } = await setup();
    const offer = await offerFor(provider);
    const a = await provider.launch(launchRequest('att-idem', offer));
    const b = await provider.launch(launchRequest('att-idem', offer));
    expect(b.providerRef).toBe(a.providerRef);
    expect(fake.pods.size).toBe(1);
    expect((await provider.status({ attemptId: 'att-idem' })).state).toBe('pending');
  });

  it('cancels by terminating the pod; again, or with nothing launched, is fine', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-cancel', await offerFor(provider)));
    clock.advance(150);
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    expect(fake.pods.get(providerRef)?.deleted).toBe(true);
    expect((await provider.status({ attemptId: 'att-cancel', providerRef })).state).toBe('failed');
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    await provider.cancel({ attemptId: 'never-launched' });
  });

  it('reports a pod that vanished mid-run as lost, a provider fault', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 50 });
    const { providerRef } = await provider.launch(launchRequest('att-lost', await offerFor(provider)));
    clock.advance(120);
    expect((await provider.status({ attemptId: 'att-lost', providerRef })).state).toBe('running');
    clock.advance(100);
    expect(await provider.status({ attemptId: 'att-lost', providerRef })).toMatchObject({ state: 'lost', providerFault: true });
  });

  it('classifies "no instances available" as capacity, also when the pool is really full', async () => {
    const { fake, provider } = await setup();
    const secure = (await provider.offers(query(['H100'], 10))).find((o) => o.offerId.startsWith('SECURE:'))!;
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const refused = await providerError(provider.launch(launchRequest('att-refused', secure)));
    expect(refused.kind).toBe('capacity');
    expect(refused.message).toContain(NO_CAPACITY_MESSAGE);
    // Two secure H100 hosts exist (one now taken by att-h1); the third 8-GPU pod has nowhere to go.
    await provider.launch(launchRequest('att-h1', secure));
    const eight = { ...secure, gpuCount: 8 };
    await provider.launch(launchRequest('att-h2', eight));
    expect((await providerError(provider.launch(launchRequest('att-h3', eight)))).kind).toBe('capacity');
  });

  it('classifies 429 with Retry-After and 5xx as transient', async () => {
    const { fake, provider } = await setup();
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 12, method: 'GET' });
    expect(await providerError(provider.status({ attemptId: 'a', providerRef: 'p' }))).toMatchObject({
      kind: 'transient',
      retryAfterSeconds: 12,
    });
    fake.scenario.injectHttp({ status: 502, method: 'POST' });
    const offer = await offerFor(provider);
    expect((await providerError(provider.launch(launchRequest('att-5xx', offer)))).kind).toBe('transient');
    await provider.launch(launchRequest('att-5xx', offer));
    expect(fake.pods.size).toBe(1);
  });

  it('classifies a wrong or revoked API key as auth', async () => {
    const { fake, provider } = await setup();
    const wrong = createRunPodProvider({ apiKey: 'rpa_wrong', baseUrl: fake.url });
    expect((await providerError(wrong.launch(launchRequest('att-auth', await offerFor(provider))))).kind).toBe('auth');
    fake.scenario.revokeAuth();
    expect((await providerError(provider.listOwned())).kind).toBe('auth');
    expect(fake.pods.size).toBe(0);
  });

  it('says unknown-job for an attempt it never launched', async () => {
    const { provider } = await setup();
    expect((await providerError(provider.status({ attemptId: 'ghost' }))).kind).toBe('unknown-job');
  });

  it('lists every pod it launched that still exists (running or stopped), not terminated ones', async () => {
    const { provider, clock } = await setup();
    const offer = await offerFor(provider);
    const done = await provider.launch(launchRequest('att-done', offer));
    const cancelled = await provider.launch(launchRequest('att-cancelled', offer));
    await provider.cancel({ attemptId: 'att-cancelled', providerRef: cancelled.providerRef });
    clock.advance(400);
    const live = await provider.launch(launchRequest('att-live', offer));
    const owned = await provider.listOwned();
    expect(owned).toEqual(
      expect.arrayContaining([
        { attemptId: 'att-done', providerRef: done.providerRef },
        { attemptId: 'att-live', providerRef: live.providerRef },
      ]),
    );
    expect(owned).toHaveLength(2);
  });
});
