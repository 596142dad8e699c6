// The Render (Dispersed) adapter driven through its real HTTP client and signing against the
// fake Dispersed API, which checks every signature.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchRequest, Offer, OfferQuery } from '../../src/core/provider.js';
import { startRenderFake, type RenderFake } from '../../src/market/render-fake.js';
import { invalidJobBody } from '../../src/market/render-validation.js';
import { buildProviders } from '../../src/providers/registry.js';
import { catalogueCloudAdapters } from '../../src/providers/cloud-catalogues.js';
import { createRenderProvider, DEFAULT_BASE_URL, type RenderConfig, type RenderProvider } from '../../src/providers/render/index.js';
import { switchyardModel } from '../../src/providers/render/gpu-names.js';
import { buildJobBody, splitImage } from '../../src/providers/render/job-body.js';
import { manualClock, type ManualClock } from './support/cloud.js';
import { providerError } from './support/errors.js';
import { firstOfferOf, launchRequest } from './support/requests.js';

// The fake's market runs on a manual clock (signatures are still checked against real time),
// so each test moves a job through its phases explicitly: start 150 ms, run 250 ms, stop 20 ms.
let clock: ManualClock;
let fake: RenderFake;
let render: RenderProvider;
const IMAGE = 'ghcr.io/acme/render-runner:1.2';

const build = (extra: Partial<RenderConfig> = {}): RenderProvider =>
  createRenderProvider({ baseUrl: fake.url, publicKey: fake.publicKey, secretKey: fake.secretKey, commandImages: ['ghcr.io/acme/render-runner'], ...extra });

beforeEach(async () => {
  clock = manualClock();
  fake = await startRenderFake({ seed: 7, scenario: { startDelayMs: 150, runMs: 250, now: clock.now } });
  render = build();
});

/** Moves the market on, then reads the attempt's state. */
const stateAfter = async (ms: number, ref: { attemptId: string; providerRef: string }) => {
  clock.advance(ms);
  return render.status(ref);
};
afterEach(async () => fake.close());

const query = (models: string[], count = 1, max = 10, extra: Partial<OfferQuery> = {}): OfferQuery => ({
  gpu: { models, count },
  maxPricePerGpuHourUsd: max,
  ...extra,
});

const request = (offer: Offer, attemptId = 'att-1', extra: Partial<LaunchRequest> = {}): LaunchRequest =>
  launchRequest(attemptId, offer, {
    jobId: 'job-1',
    image: IMAGE,
    command: ['sh', '-c', "echo 'hi there'", 'switchyard-agent', 'python', 'train.py'],
    env: { FOO: 'bar' },
    maxDurationSeconds: 600,
    maxPricePerGpuHourUsd: 5,
    ...extra,
  });

const launched = async (attemptId = 'att-1', models = ['RTX4090']) => {
  const offer = await firstOfferOf(render, query(models));
  const { providerRef } = await render.launch(request(offer, attemptId));
  return { offer, ref: { attemptId, providerRef } };
};

describe('render adapter: offers', () => {
  it('prices each GPU at the offer rate / its GPU count, mapped to Switchyard models, filtered by count, VRAM, region and ceiling', async () => {
    const raw = fake.offers() as Array<{ offer_id: string; region_code: string; hardware_summary: { gpu_count: number; gpu_model_label: string }; pricing: { hourly_rate_usd: number } }>;
    const one = await render.offers(query(['RTX4090']));
    const singles = raw.filter((o) => o.hardware_summary.gpu_model_label === 'NVIDIA RTX 4090' && o.hardware_summary.gpu_count === 1);
    expect(one).toHaveLength(singles.length);
    expect(one.every((o) => o.gpuModel === 'RTX4090' && o.gpuCount === 1 && o.vramGb === 24 && o.provider === 'render')).toBe(true);
    expect(one.map((o) => o.pricePerGpuHourUsd)).toEqual(singles.map((o) => o.pricing.hourly_rate_usd).sort((a, b) => a - b));

    const four = await render.offers(query(['RTX4090'], 4));
    const quads = raw.filter((o) => o.hardware_summary.gpu_count === 4);
    expect(four.map((o) => o.pricePerGpuHourUsd)).toEqual(quads.map((o) => Math.round((o.pricing.hourly_rate_usd / 4) * 10_000) / 10_000).sort((a, b) => a - b));
    expect(four.every((o) => o.gpuCount === 4)).toBe(true);

    expect((await render.offers(query(['A100']))).map((o) => o.gpuModel)).toEqual(['A100-80GB', 'A100-80GB']);
    expect((await render.offers(query(['H100'], 1, 10, { regions: ['ap-northeast-1'] }))).every((o) => o.region === 'ap-northeast-1')).toBe(true);
    expect(await render.offers(query(['H100'], 1, 1))).toEqual([]);
    expect(await render.offers({ gpu: { models: ['RTX4090', 'RTX5090'], count: 1, minVramGb: 32 }, maxPricePerGpuHourUsd: 10 })).toSatisfy(
      (os: Offer[]) => os.length > 0 && os.every((o) => o.gpuModel === 'RTX5090'),
    );
  });

  it('offers nothing when no image is configured to run the carried command', async () => {
    const none = build({ commandImages: [] });
    expect(await none.offers(query(['RTX4090']))).toEqual([]);
    expect(none.info().note).toMatch(/cannot carry a command/);
  });
});

describe('render adapter: names', () => {
  it("maps Dispersed's GPU spellings to Switchyard's models, and nothing it does not know", () => {
    const cases: Array<[string, number, string | undefined]> = [
      ['NVIDIA RTX 4090', 24, 'RTX4090'],
      ['RTX 4090', 24, 'RTX4090'],
      ['NVIDIA GeForce RTX 5090', 32, 'RTX5090'],
      ['NVIDIA H100 80GB HBM3', 80, 'H100'],
      ['NVIDIA A100-SXM4-80GB', 80, 'A100-80GB'],
      ['NVIDIA A100-PCIE-40GB', 40, 'A100-40GB'],
      ['NVIDIA RTX A6000', 48, 'A6000'],
      ['NVIDIA RTX 6000 Ada Generation', 48, 'RTX6000ADA'],
      ['NVIDIA L40S', 48, 'L40S'],
      ['NVIDIA L4', 24, 'L4'],
      ['Tesla T4', 16, undefined],
    ];
    expect(cases.map(([name, vram]) => switchyardModel(name, vram))).toEqual(cases.map(([, , model]) => model));
  });

  it('splits image references into the image and tag Dispersed takes; a digest is refused', () => {
    expect(splitImage('ghcr.io/acme/train:1.2')).toEqual({ image: 'ghcr.io/acme/train', tag: '1.2' });
    expect(splitImage('registry:5000/team/app')).toEqual({ image: 'registry:5000/team/app', tag: 'latest' });
    expect(() => splitImage('acme/app@sha256:abc')).toThrow(/digest/);
  });
});

describe('render adapter: jobs', () => {
  it('launch -> pending -> running -> succeeded, with only documented fields and the command carried in env', async () => {
    const { offer, ref } = await launched();
    expect((await stateAfter(0, ref)).state).toBe('pending'); // PENDING
    expect((await stateAfter(100, ref)).message).toMatch(/^ASSIGNED/);
    expect((await stateAfter(100, ref)).state).toBe('running');
    const final = await stateAfter(250, ref);
    expect(final.state).toBe('succeeded');
    expect(final.exitCode).toBe(0);
    expect(final.outputTail).toContain('exited with 0');
    const [job] = fake.jobs();
    expect(job).toMatchObject({ uuid: ref.providerRef, title: 'switchyard-att-1', status: 'COMPLETED' });
    expect(job!.body).toMatchObject({
      task: 'BATCH',
      gpu_count: 1,
      min_vram_gb: 24,
      max_node_count: 1,
      max_retry_count: 0,
      max_timeout_run_ms: 900_000,
      allowed_region_codes: [offer.region],
      parameters: {
        type: 'docker',
        parameters: {
          image: 'ghcr.io/acme/render-runner',
          tag: '1.2',
          env: {
            FOO: 'bar',
            SWITCHYARD_ATTEMPT_ID: 'att-1',
            SWITCHYARD_JOB_ID: 'job-1',
            SWITCHYARD_COMMAND: `'sh' '-c' 'echo '\\''hi there'\\''' 'switchyard-agent' 'python' 'train.py'`,
          },
        },
      },
    });
    expect(job!.body.gpu_registry_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(invalidJobBody(job!.body)).toBeUndefined();
  });

  it('a container that exits non-zero is failed, with no exit code claimed', async () => {
    fake.scenario.planNextLaunch({ kind: 'fail', exitCode: 3 });
    const { ref } = await launched();
    const final = await stateAfter(1_000, ref);
    expect(final.state).toBe('failed');
    expect(final.exitCode).toBeUndefined();
    expect(final.message).toContain('exit code not reported by render');
    expect(final.providerFault).toBeUndefined();
  });

  it('a node lost mid-run reads as FAILED too: indistinguishable from a non-zero exit, so it is failed, not failed over', async () => {
    fake.scenario.planNextLaunch({ kind: 'lost', afterMs: 20 });
    const { ref } = await launched();
    expect((await stateAfter(160, ref)).state).toBe('running');
    const final = await stateAfter(30, ref);
    expect(final.state).toBe('failed');
    expect(final.outputTail).toContain('node went offline');
  });

  it('a job no node takes fails with no run: the network lost it, not the workload', async () => {
    fake.scenario.planNextLaunch({ kind: 'refuse' });
    const { ref } = await launched();
    expect((await stateAfter(0, ref)).state).toBe('pending');
    const final = await stateAfter(100, ref);
    expect(final).toMatchObject({ state: 'lost', providerFault: true });
    expect(fake.jobs()[0]!.status).toBe('FAILED');
  });

  it('refuses, permanently and before any call, a job whose image would not run its command', async () => {
    const offer = await firstOfferOf(render, query(['RTX4090']));
    const e = await providerError(render.launch(request(offer, 'att-1', { image: 'pytorch/pytorch:2.4.0' })));
    expect(e.kind).toBe('permanent');
    expect(e.message).toMatch(/no command field/);
    expect(fake.jobs()).toEqual([]);
    // The documented body has no such field, so it is not invented either.
    expect(invalidJobBody({ ...buildJobBody(request(offer), { title: 't', commandImages: ['*'], minStorageGb: 20, runGraceSeconds: 0 }), command: ['x'] })).toBe(
      'unknown fields: command',
    );
  });

  it('a retried launch of the same attempt finds its job by title instead of creating a second', async () => {
    const offer = await firstOfferOf(render, query(['RTX4090']));
    const first = await render.launch(request(offer));
    const again = await render.launch(request(offer));
    expect(again.providerRef).toBe(first.providerRef);
    expect(fake.jobs()).toHaveLength(1);
    expect((await render.status({ attemptId: 'att-1' })).state).toBe('pending'); // found by title without a ref
  });

  it('a uuid that now names another workload is a lost machine, and is never cancelled', async () => {
    const { ref } = await launched();
    fake.reuseUuid(ref.providerRef, 'someone-elses-render-job');
    const status = await render.status(ref);
    expect(status).toMatchObject({ state: 'lost', providerFault: true });
    expect(status.message).toContain('not this attempt');
    await render.cancel(ref);
    expect(fake.jobs()[0]!.status).not.toMatch(/CANCEL/);
  });

  it('an unknown uuid is unknown-job', async () => {
    const e = await providerError(render.status({ attemptId: 'att-9', providerRef: '00000000-0000-4000-a000-000000000000' }));
    expect(e.kind).toBe('unknown-job');
    await expect(render.status({ attemptId: 'att-9' })).rejects.toMatchObject({ kind: 'unknown-job' });
  });
});

describe('render adapter: cancel and the sweep', () => {
  it('cancel goes through CANCELLING to CANCELLED, is idempotent, and status then says the job is gone', async () => {
    const { ref } = await launched();
    expect((await stateAfter(200, ref)).state).toBe('running');
    await render.cancel(ref);
    expect(fake.jobs()[0]!.status).toBe('CANCELLING');
    expect((await render.status(ref)).state).toBe('pending');
    await render.cancel(ref);
    const final = await stateAfter(30, ref);
    expect(final).toMatchObject({ state: 'lost' });
    expect(final.message).toContain('CANCELLED');
    await render.cancel(ref);
    await render.cancel({ attemptId: 'never-launched' });
    await render.cancel({ attemptId: 'gone', providerRef: '00000000-0000-4000-a000-000000000000' });
    expect(fake.jobs().map((j) => j.status)).toEqual(['CANCELLED']);
  });

  it('a cancel refused because the job finished in between is accepted once the job reads as finished', async () => {
    // Time passes between the adapter's read and its PUT: the job completes in that gap.
    const racing = (async (url: string, init?: RequestInit) => {
      if (init?.method === 'PUT') clock.advance(1_000);
      return fetch(url, init);
    }) as typeof fetch;
    render = build({ fetch: racing });
    const { ref } = await launched();
    expect((await stateAfter(200, ref)).state).toBe('running');
    await render.cancel(ref);
    expect(fake.jobs()[0]!.status).toBe('COMPLETED');
  });

  it('listOwned finds the live jobs Switchyard titled, not finished or foreign ones', async () => {
    const a = await launched('att-a');
    const b = await launched('att-b');
    const c = await launched('att-c');
    fake.reuseUuid(c.ref.providerRef, 'not-ours');
    await render.cancel(b.ref);
    expect((await stateAfter(30, b.ref)).state).toBe('lost');
    const owned = await render.listOwned();
    expect(owned).toEqual([{ attemptId: 'att-a', providerRef: a.ref.providerRef }]);
  });
});

describe('render adapter: failures', () => {
  it('a wrong secret, a revoked key or a skewed clock is an auth error (the fake answers 401)', async () => {
    expect((await providerError(build({ secretKey: 'sk_wrong' }).offers(query(['RTX4090'])))).kind).toBe('auth');
    expect((await providerError(build({ now: () => Date.now() - 10 * 60_000 }).offers(query(['RTX4090'])))).kind).toBe('auth');
    fake.scenario.revokeAuth();
    const e = await providerError(render.offers(query(['RTX4090'])));
    expect(e.kind).toBe('auth');
    expect(e.message).not.toContain(fake.secretKey);
  });

  it('429 carries Retry-After, 5xx is transient, a refused connection is transient', async () => {
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 7, path: /compute\/offers/ });
    const limited = await providerError(render.offers(query(['RTX4090'])));
    expect(limited).toMatchObject({ kind: 'transient', retryAfterSeconds: 7 });
    const { ref } = await launched();
    fake.scenario.injectHttp({ status: 503, method: 'GET', path: /\/v1\/jobs\// });
    expect((await providerError(render.status(ref))).kind).toBe('transient');
    expect((await render.status(ref)).state).toBe('pending');
    await fake.close();
    expect((await providerError(render.status(ref))).kind).toBe('transient');
    fake = await startRenderFake({ seed: 7 }); // for afterEach
  });

  it('is disabled with the missing keys named when credentials are absent; api.dispersed.com by default', () => {
    const [p] = buildProviders(['render'], {}, { clouds: catalogueCloudAdapters });
    expect(p!.info()).toMatchObject({ name: 'render', kind: 'decentralized', enabled: false });
    expect(p!.info().note).toBe('missing credentials: publicKey, secretKey');
    const [ok] = buildProviders(['render'], { render: { publicKey: 'pk_x', secretKey: 'sk_x', commandImages: 'a/b, c/*' } }, { clouds: catalogueCloudAdapters });
    expect(ok!.info()).toMatchObject({ enabled: true });
    expect(ok!.info().note).toBeUndefined();
    expect(DEFAULT_BASE_URL).toBe('https://api.dispersed.com');
  });
});
