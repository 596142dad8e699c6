// The AWS Batch adapter, driven through @aws-sdk/client-batch against the fake Batch
// endpoint (SigV4-checked REST-JSON on 127.0.0.1).
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../../src/core/provider.js';
import { startAwsBatchFake, type AwsBatchFake } from '../../../src/market/cloud/aws-batch-fake.js';
import { createAwsBatchProvider, type AwsBatchProvider } from '../../../src/providers/aws-batch/aws-batch-provider.js';
import { cloudHarness } from '../support/cloud.js';
import { providerError } from '../support/errors.js';
import { firstOfferOf, launchRequest, query } from '../support/requests.js';

/** An adapter on the fake's endpoint and credentials. */
const adapterFor = (fake: AwsBatchFake): AwsBatchProvider =>
  createAwsBatchProvider({ region: fake.region, endpoint: fake.url, credentials: fake.credentials, jobQueue: 'switchyard-gpu' });

const setup = cloudHarness((now) => startAwsBatchFake({ seed: 7, now, startDelayMs: 100, runMs: 200 }), adapterFor);

const offerFor = (provider: AwsBatchProvider, model = 'A10G'): Promise<Offer> => firstOfferOf(provider, query([model], 100));

describe('AWS Batch adapter', () => {
  it('offers catalog shapes that match the GPU model, price ceiling and region', async () => {
    const { provider } = await setup();
    const a100 = await provider.offers(query(['A100'], 3.0));
    expect(a100.map((o) => [o.offerId, o.gpuModel, o.region])).toEqual([['p4d.24xlarge', 'A100-40GB', 'us-east-1']]);
    expect(await provider.offers(query(['H100'], 5))).toEqual([]);
    expect(await provider.offers(query(['H100'], 10, { regions: ['eu-west-1'] }))).toEqual([]);
    expect(await provider.offers({ gpu: { models: ['A10G'], count: 2 }, maxPricePerGpuHourUsd: 10 })).toEqual([]);
    expect(provider.info()).toMatchObject({ name: 'aws-batch', kind: 'cloud', enabled: true });
  });

  it('runs a job from submit to success, sending command, env, GPUs and image', async () => {
    const { fake, provider, clock } = await setup();
    const request = launchRequest('att-ok-1', await offerFor(provider));
    const { providerRef } = await provider.launch(request);
    expect(await provider.status({ attemptId: 'att-ok-1', providerRef })).toMatchObject({ state: 'pending' });
    clock.advance(150);
    expect((await provider.status({ attemptId: 'att-ok-1', providerRef })).state).toBe('running');
    clock.advance(200);
    expect(await provider.status({ attemptId: 'att-ok-1', providerRef })).toMatchObject({ state: 'succeeded', exitCode: 0 });

    const job = fake.jobs.jobs.get(providerRef)!;
    expect(job.jobName).toBe('sy-att-ok-1');
    expect(job.image).toBe('ghcr.io/acme/train:1.2');
    expect(job.command).toEqual(request.command);
    expect(job.environment).toContainEqual({ name: 'MODEL', value: 'llama' });
    expect(job.environment).toContainEqual({ name: 'SWITCHYARD_ATTEMPT_ID', value: 'att-ok-1' });
    expect(job.resourceRequirements).toContainEqual({ type: 'GPU', value: '1' });
    expect(job.tags['switchyard:attempt-id']).toBe('att-ok-1');
  });

  it('reports a failed run with the container exit code', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 3 });
    const { providerRef } = await provider.launch(launchRequest('att-fail', await offerFor(provider)));
    clock.advance(400);
    expect(await provider.status({ attemptId: 'att-fail', providerRef })).toMatchObject({
      state: 'failed',
      exitCode: 3,
      providerFault: false,
    });
  });

  it('launches once per attempt id, even from a fresh adapter', async () => {
    const { fake, provider } = await setup();
    const offer = await offerFor(provider);
    const first = await provider.launch(launchRequest('att-idem', offer));
    const second = await provider.launch(launchRequest('att-idem', offer));
    const again = await adapterFor(fake).launch(launchRequest('att-idem', offer));
    expect(second.providerRef).toBe(first.providerRef);
    expect(again.providerRef).toBe(first.providerRef);
    expect(fake.jobs.jobs.size).toBe(1);
    // Status works from the attempt id alone, through the derived name.
    expect((await provider.status({ attemptId: 'att-idem' })).state).toBe('pending');
  });

  it('cancels a running job, and cancelling again or cancelling nothing is fine', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-cancel', await offerFor(provider)));
    clock.advance(150);
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    expect(fake.jobs.jobs.get(providerRef)?.terminated?.wasStarted).toBe(true);
    const after = await provider.status({ attemptId: 'att-cancel', providerRef });
    expect(after.state).toBe('failed');
    expect(after.message).toContain('Cancelled by Switchyard');
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    await provider.cancel({ attemptId: 'never-launched' });
  });

  it('reports a reclaimed host as lost, a provider fault', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 50 });
    const { providerRef } = await provider.launch(launchRequest('att-lost', await offerFor(provider)));
    clock.advance(120);
    expect((await provider.status({ attemptId: 'att-lost', providerRef })).state).toBe('running');
    clock.advance(100);
    const lost = await provider.status({ attemptId: 'att-lost', providerRef });
    expect(lost).toMatchObject({ state: 'lost', providerFault: true });
    expect(lost.message).toMatch(/^Host EC2/);
  });

  it('reports a job starved of capacity as pending, then lost without ever having a machine (noCapacity)', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const { providerRef } = await provider.launch(launchRequest('att-nocap', await offerFor(provider)));
    expect(await provider.status({ attemptId: 'att-nocap', providerRef })).toMatchObject({
      state: 'pending',
      message: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY',
    });
    clock.advance(150);
    expect(await provider.status({ attemptId: 'att-nocap', providerRef })).toMatchObject({ state: 'lost', providerFault: true, noCapacity: true });
  });

  it('classifies 429 (with Retry-After) and 5xx as transient; a retried launch still makes one job', async () => {
    const { fake, provider } = await setup();
    const offer = await offerFor(provider);
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 7, path: /listjobs/ });
    const throttled = await providerError(provider.status({ attemptId: 'att-429' }));
    expect(throttled).toMatchObject({ kind: 'transient', retryAfterSeconds: 7 });

    fake.scenario.injectHttp({ status: 503, path: /submitjob/ });
    expect((await providerError(provider.launch(launchRequest('att-5xx', offer)))).kind).toBe('transient');
    await provider.launch(launchRequest('att-5xx', offer));
    expect([...fake.jobs.jobs.values()].filter((j) => j.jobName === 'sy-att-5xx')).toHaveLength(1);
  });

  it('classifies a bad secret key and revoked credentials as auth errors', async () => {
    const { fake, provider } = await setup();
    const wrong = createAwsBatchProvider({
      region: fake.region,
      endpoint: fake.url,
      credentials: { accessKeyId: fake.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
      jobQueue: 'switchyard-gpu',
    });
    const offer = await offerFor(provider);
    const badSig = await providerError(wrong.launch(launchRequest('att-auth', offer)));
    expect(badSig.kind).toBe('auth');
    expect(badSig.message).toContain('InvalidSignatureException');
    fake.scenario.revokeAuth();
    expect((await providerError(provider.status({ attemptId: 'x', providerRef: 'y' }))).kind).toBe('auth');
    expect(fake.jobs.jobs.size).toBe(0);
  });

  it('says unknown-job for an attempt or job id Batch does not have', async () => {
    const { provider } = await setup();
    expect((await providerError(provider.status({ attemptId: 'ghost' }))).kind).toBe('unknown-job');
    expect((await providerError(provider.status({ attemptId: 'ghost', providerRef: 'no-such-job' }))).kind).toBe('unknown-job');
  });

  it('lists the live jobs it launched, by attempt id', async () => {
    const { provider, clock } = await setup();
    const offer = await offerFor(provider);
    const done = await provider.launch(launchRequest('att-done', offer));
    clock.advance(400);
    const live = await provider.launch(launchRequest('att-live', offer));
    expect(await provider.status({ attemptId: 'att-done', providerRef: done.providerRef })).toMatchObject({ state: 'succeeded' });
    expect(await provider.listOwned()).toEqual([{ attemptId: 'att-live', providerRef: live.providerRef }]);
  });

  it('reports a job id that answers for another attempt as lost, and does not terminate it', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-mine', await offerFor(provider)));
    clock.advance(150);
    // The id now names somebody else's job (a reused id, a job submitted by hand).
    fake.jobs.jobs.get(providerRef)!.tags['switchyard:attempt-id'] = 'att-other';
    expect(await provider.status({ attemptId: 'att-mine', providerRef })).toMatchObject({ state: 'lost', providerFault: true });
    await provider.cancel({ attemptId: 'att-mine', providerRef });
    expect(fake.jobs.jobs.get(providerRef)!.terminated).toBeUndefined();
    // Nor is it listed as Switchyard's: its name and tag disagree.
    expect(await provider.listOwned()).toEqual([]);
  });
});
