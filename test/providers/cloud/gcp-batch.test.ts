// The GCP Batch adapter, over fetch against the fake Batch REST v1 API on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../../src/core/provider.js';
import { startGcpBatchFake } from '../../../src/market/cloud/gcp-batch-fake.js';
import { createGcpBatchProvider, gcpJobIdFor, type GcpBatchProvider } from '../../../src/providers/gcp-batch/gcp-batch-provider.js';
import { cloudHarness } from '../support/cloud.js';
import { providerError } from '../support/errors.js';
import { firstOfferOf, launchRequest, query } from '../support/requests.js';

const setup = cloudHarness(
  (now) => startGcpBatchFake({ seed: 5, now, startDelayMs: 100, runMs: 200 }),
  (fake) => {
    const token = fake.token;
    return createGcpBatchProvider({
      project: 'acme-ml',
      location: 'us-central1',
      accessToken: async () => token,
      baseUrl: `${fake.url}/v1`,
    });
  },
);

const offerFor = (provider: GcpBatchProvider, model = 'L4'): Promise<Offer> => firstOfferOf(provider, query([model], 100));

const jobName = (attemptId: string): string => `projects/acme-ml/locations/us-central1/jobs/${gcpJobIdFor(attemptId)}`;

describe('GCP Batch adapter', () => {
  it('offers machine families by GPU model, price and region', async () => {
    const { provider } = await setup();
    const a100 = await provider.offers(query(['A100'], 4));
    expect(a100.map((o) => [o.offerId, o.gpuModel, o.region])).toEqual([['a2-highgpu', 'A100-40GB', 'us-central1']]);
    expect(await provider.offers(query(['H100'], 10))).toEqual([]);
    expect(await provider.offers(query(['L4'], 10, { regions: ['europe-west4'] }))).toEqual([]);
  });

  it('runs a job to success and sends image, command, env, machine and accelerators', async () => {
    const { fake, provider, clock } = await setup();
    const request = launchRequest('att-ok', await offerFor(provider));
    const { providerRef } = await provider.launch(request);
    expect(providerRef).toBe(jobName('att-ok'));
    const ref = { attemptId: 'att-ok', providerRef };
    expect((await provider.status(ref)).state).toBe('pending');
    clock.advance(150);
    expect((await provider.status(ref)).state).toBe('running');
    clock.advance(200);
    expect(await provider.status(ref)).toMatchObject({ state: 'succeeded', exitCode: 0 });

    const spec = fake.jobs.get(providerRef)!.spec as {
      taskGroups: Array<{ taskSpec: { runnables: Array<{ container: unknown }>; environment: { variables: Record<string, string> } } }>;
      allocationPolicy: { instances: Array<{ policy: unknown }> };
    };
    expect(spec.taskGroups[0]!.taskSpec.runnables[0]!.container).toEqual({ imageUri: request.image, commands: request.command });
    expect(spec.taskGroups[0]!.taskSpec.environment.variables).toMatchObject({ MODEL: 'llama', SWITCHYARD_ATTEMPT_ID: 'att-ok' });
    expect(spec.allocationPolicy.instances[0]!.policy).toMatchObject({
      machineType: 'g2-standard-4',
      accelerators: [{ type: 'nvidia-l4', count: '1' }],
    });
  });

  it('reports a failed task with its exit code', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 4 });
    const { providerRef } = await provider.launch(launchRequest('att-fail', await offerFor(provider)));
    clock.advance(400);
    expect(await provider.status({ attemptId: 'att-fail', providerRef })).toMatchObject({
      state: 'failed',
      exitCode: 4,
      providerFault: false,
    });
  });

  it('treats 409 ALREADY_EXISTS as the same launch', async () => {
    const { fake, provider } = await setup();
    const offer = await offerFor(provider);
    const a = await provider.launch(launchRequest('att-idem', offer));
    const b = await provider.launch(launchRequest('att-idem', offer));
    expect(b.providerRef).toBe(a.providerRef);
    expect(fake.jobs.size).toBe(1);
    expect((await provider.status({ attemptId: 'att-idem' })).state).toBe('pending');
  });

  it('cancels by deleting the job; again, or with nothing launched, is fine', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-cancel', await offerFor(provider)));
    clock.advance(150);
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    expect(fake.jobs.get(providerRef)?.deletedAt).toBeDefined();
    expect((await provider.status({ attemptId: 'att-cancel', providerRef })).message).toContain('being deleted');
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    clock.advance(100);
    await provider.cancel({ attemptId: 'att-cancel', providerRef });
    expect((await providerError(provider.status({ attemptId: 'att-cancel', providerRef }))).kind).toBe('unknown-job');
    await provider.cancel({ attemptId: 'never-launched' });
  });

  it('reports a lost VM (reserved exit code) as lost, a provider fault', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 50 });
    const { providerRef } = await provider.launch(launchRequest('att-lost', await offerFor(provider)));
    clock.advance(120);
    expect((await provider.status({ attemptId: 'att-lost', providerRef })).state).toBe('running');
    clock.advance(100);
    expect(await provider.status({ attemptId: 'att-lost', providerRef })).toMatchObject({
      state: 'lost',
      providerFault: true,
      exitCode: 50002,
    });
  });

  it('reports a job that never got a VM as lost once Batch fails it', async () => {
    const { fake, provider, clock } = await setup();
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const { providerRef } = await provider.launch(launchRequest('att-nocap', await offerFor(provider)));
    expect((await provider.status({ attemptId: 'att-nocap', providerRef })).state).toBe('pending');
    clock.advance(150);
    expect(await provider.status({ attemptId: 'att-nocap', providerRef })).toMatchObject({ state: 'lost', providerFault: true });
  });

  it('classifies 429 with Retry-After and 5xx as transient', async () => {
    const { fake, provider } = await setup();
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 30, method: 'GET' });
    expect(await providerError(provider.status({ attemptId: 'a' }))).toMatchObject({ kind: 'transient', retryAfterSeconds: 30 });
    fake.scenario.injectHttp({ status: 503, method: 'POST' });
    const offer = await offerFor(provider);
    expect((await providerError(provider.launch(launchRequest('att-5xx', offer)))).kind).toBe('transient');
    await provider.launch(launchRequest('att-5xx', offer));
    expect(fake.jobs.size).toBe(1);
  });

  it('classifies a bad or revoked token as auth', async () => {
    const { fake, provider } = await setup();
    const wrong = createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', accessToken: 'nope', baseUrl: `${fake.url}/v1` });
    expect((await providerError(wrong.launch(launchRequest('att-auth', await offerFor(provider))))).kind).toBe('auth');
    fake.scenario.revokeAuth();
    expect((await providerError(provider.listOwned())).kind).toBe('auth');
    expect(fake.jobs.size).toBe(0);
  });

  it('says unknown-job for an attempt it never launched', async () => {
    const { provider } = await setup();
    expect((await providerError(provider.status({ attemptId: 'ghost' }))).kind).toBe('unknown-job');
  });

  it('lists its live jobs across pages, by attempt id', async () => {
    const { provider, clock } = await setup();
    const offer = await offerFor(provider);
    await provider.launch(launchRequest('att-done', offer));
    clock.advance(400);
    const live = await Promise.all(['att-l1', 'att-l2', 'att-l3'].map((id) => provider.launch(launchRequest(id, offer))));
    const owned = await provider.listOwned();
    expect(owned.map((r) => r.attemptId).sort()).toEqual(['att-l1', 'att-l2', 'att-l3']);
    expect(owned.map((r) => r.providerRef).sort()).toEqual(live.map((l) => l.providerRef).sort());
  });
});
