// The GCP Batch adapter, over fetch against the fake Batch REST v1 API on 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Offer } from '../../../src/core/provider.js';
import { startGcpBatchFake, type GcpBatchFake } from '../../../src/market/cloud/gcp-batch-fake.js';
import { createGcpBatchProvider, gcpJobIdFor, type GcpBatchProvider } from '../../../src/providers/gcp-batch/index.js';
import { cloudHarness } from '../support/cloud.js';
import { providerError } from '../support/errors.js';
import { firstOfferOf, launchRequest, query } from '../support/requests.js';

const build = (fake: GcpBatchFake) =>
  createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', credentials: fake.serviceAccountKey, baseUrl: `${fake.url}/v1` });

const setup = cloudHarness((now) => startGcpBatchFake({ seed: 5, project: 'acme-ml', now, startDelayMs: 100, runMs: 200 }), build);
// Tokens that expire inside google-auth-library's 5-minute refresh window are renewed before every use.
const shortTokens = cloudHarness(
  (now) => startGcpBatchFake({ seed: 6, project: 'acme-ml', now, startDelayMs: 100, runMs: 200, tokenLifetimeSeconds: 120 }),
  build,
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
    expect(spec.taskGroups[0]!.taskSpec.runnables[0]!.container).toEqual({
      imageUri: request.image,
      entrypoint: request.command[0],
      commands: request.command.slice(1),
    });
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

  it('cancels with jobs.cancel: CANCELLATION_IN_PROGRESS still holds the VMs, CANCELLED is terminal; again, or with nothing launched, is fine', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-cancel', await offerFor(provider)));
    const ref = { attemptId: 'att-cancel', providerRef };
    clock.advance(150);
    await provider.cancel(ref);
    expect(fake.jobs.get(providerRef)?.cancelledAt).toBeDefined();
    expect(await provider.status(ref)).toMatchObject({ state: 'running', message: expect.stringContaining('CANCELLATION_IN_PROGRESS') });
    await provider.cancel(ref);
    clock.advance(100);
    expect(await provider.status(ref)).toMatchObject({ state: 'failed', providerFault: false });
    await provider.cancel(ref);
    await provider.cancel({ attemptId: 'never-launched' });
  });

  it('leaves a finished job alone on cancel (Batch already released its VMs)', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-finished', await offerFor(provider)));
    clock.advance(400);
    await provider.cancel({ attemptId: 'att-finished', providerRef });
    expect(fake.jobs.get(providerRef)?.cancelledAt).toBeUndefined();
    expect((await provider.status({ attemptId: 'att-finished', providerRef })).state).toBe('succeeded');
  });

  it('reports a job that does not carry this attempt as lost, and does not cancel it', async () => {
    const { fake, provider, clock } = await setup();
    const { providerRef } = await provider.launch(launchRequest('att-mine', await offerFor(provider)));
    clock.advance(150);
    const spec = fake.jobs.get(providerRef)!.spec as { taskGroups: Array<{ taskSpec: { environment: { variables: Record<string, string> } } }> };
    spec.taskGroups[0]!.taskSpec.environment.variables.SWITCHYARD_ATTEMPT_ID = 'att-other';
    expect(await provider.status({ attemptId: 'att-mine', providerRef })).toMatchObject({ state: 'lost', providerFault: true });
    await provider.cancel({ attemptId: 'att-mine', providerRef });
    expect(fake.jobs.get(providerRef)?.cancelledAt).toBeUndefined();
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

  it('gets its tokens from the service-account key through the token endpoint it names, and the API accepts only those', async () => {
    const { fake, provider } = await setup();
    await provider.launch(launchRequest('att-token', await offerFor(provider)));
    await provider.status({ attemptId: 'att-token' });
    // One token, cached by google-auth-library for its hour.
    expect(fake.oauth.issued.size).toBe(1);
    const key = { ...fake.serviceAccountKey, client_email: 'intruder@elsewhere.iam.gserviceaccount.com' };
    const wrong = createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', credentials: key, baseUrl: `${fake.url}/v1` });
    expect((await providerError(wrong.status({ attemptId: 'att-token' }))).kind).toBe('auth');
  });

  it('gets its tokens through workload identity federation (external_account → STS exchange)', async () => {
    const { fake } = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'sy-wif-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'subject-token');
    writeFileSync(file, fake.oauth.subjectToken);
    const config = fake.oauth.externalAccountConfig(file);
    const federated = createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', credentials: config, baseUrl: `${fake.url}/v1` });
    await federated.launch(launchRequest('att-wif', await offerFor(federated)));
    expect((await federated.status({ attemptId: 'att-wif' })).state).toBe('pending');
    expect(fake.oauth.issued.size).toBe(1);
    // A subject token the pool does not vouch for gets no Google token.
    writeFileSync(file, 'forged');
    const forged = createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', credentials: config, baseUrl: `${fake.url}/v1` });
    expect((await providerError(forged.status({ attemptId: 'att-wif' }))).kind).toBe('auth');
  });

  it('refuses credentials that are neither a service-account key nor an external_account config', () => {
    expect(() => createGcpBatchProvider({ project: 'p', location: 'l', credentials: { type: 'authorized_user' } })).toThrow(/service_account/);
  });

  it('refreshes a token before it expires instead of sending a stale one', async () => {
    const { fake, provider } = await shortTokens();
    await provider.launch(launchRequest('att-refresh', await offerFor(provider)));
    await provider.status({ attemptId: 'att-refresh' });
    await provider.status({ attemptId: 'att-refresh' });
    // A 120 s token is inside the library's refresh window: each request fetched a new one, each accepted.
    expect(fake.oauth.issued.size).toBeGreaterThanOrEqual(3);
    expect((await provider.status({ attemptId: 'att-refresh' })).state).toBe('pending');
  });

  it('classifies a revoked service account as auth', async () => {
    const { fake, provider } = await setup();
    fake.scenario.revokeAuth();
    expect((await providerError(provider.listOwned())).kind).toBe('auth');
    expect((await providerError(provider.launch(launchRequest('att-auth', await offerFor(provider))))).kind).toBe('auth');
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
    // A cancelled job is no longer listed once Batch has cleaned it up.
    await provider.cancel({ attemptId: 'att-l1', providerRef: live[0]!.providerRef });
    clock.advance(100);
    expect((await provider.listOwned()).map((r) => r.attemptId).sort()).toEqual(['att-l2', 'att-l3']);
  });
});
