// Private images: each adapter sends LaunchRequest.imageCredentials in its provider's own
// documented field (asserted at the fake, over real HTTP through the adapter's client), the
// fakes refuse the same image without it (so the field is what made the pull work), and the
// providers that cannot take a literal login refuse with a clear reason. The password is in
// no error message.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, type LaunchRequest, type Offer, type Provider, type RegistryLogin } from '../../src/core/provider.js';
import { startAkashFake } from '../../src/market/akash-fake.js';
import { startAwsBatchFake } from '../../src/market/cloud/aws-batch-fake.js';
import { startGcpBatchFake } from '../../src/market/cloud/gcp-batch-fake.js';
import { startRunPodFake } from '../../src/market/cloud/runpod-fake.js';
import { startIoNetFake, IONET_HARDWARE } from '../../src/market/ionet-fake.js';
import { startNosanaFake } from '../../src/market/nosana-fake.js';
import { startRenderFake } from '../../src/market/render-fake.js';
import { startVastFake } from '../../src/market/vastai-fake.js';
import { createAkashProvider } from '../../src/providers/akash/index.js';
import { createAwsBatchProvider } from '../../src/providers/aws-batch/aws-batch-provider.js';
import { createGcpBatchProvider } from '../../src/providers/gcp-batch/index.js';
import { createIoNetProvider } from '../../src/providers/ionet/index.js';
import { createNosanaProvider } from '../../src/providers/nosana/index.js';
import { createRenderProvider } from '../../src/providers/render/index.js';
import { createRunPodProvider } from '../../src/providers/runpod/index.js';
import { createVastProvider } from '../../src/providers/vastai/index.js';
import { registryHostOf } from '../../src/providers/shared/registry-login.js';
import { imageLoginFor } from '../../src/providers/vastai/image-login.js';
import { providerError } from './support/errors.js';
import { firstOfferOf, launchRequest, query } from './support/requests.js';

const PASSWORD = 'reg-pass-7f3a9c-do-not-leak';
const registry = { host: 'registry.acme.test', username: 'bot', password: PASSWORD };
const login: RegistryLogin = { username: 'bot', password: PASSWORD, server: 'registry.acme.test' };
const IMAGE = 'registry.acme.test/acme/train:1.2';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
const track = <F extends { close(): Promise<void> }>(fake: F): F => {
  closers.push(() => fake.close());
  return fake;
};

const request = (attemptId: string, offer: Offer, creds?: RegistryLogin): LaunchRequest =>
  launchRequest(attemptId, offer, { image: IMAGE, maxDurationSeconds: 600, ...(creds ? { imageCredentials: creds } : {}) });

/** Launch with the login (must succeed), and without it (the fake must refuse: the field mattered). */
const launchBothWays = async (provider: Provider, offer: Offer): Promise<string> => {
  const { providerRef } = await provider.launch(request('att-login', offer, login));
  const refused = await providerError(provider.launch(request('att-nologin', offer)));
  expect(refused.message).toContain('pull access denied');
  expect(refused.message).not.toContain(PASSWORD);
  return providerRef;
};

describe('a launch with imageCredentials sends the login in the provider’s documented field', () => {
  it('vastai: createInstance image_login, as docker login arguments', async () => {
    const fake = track(await startVastFake({ seed: 7, apiKey: 'k', privateRegistry: registry }));
    const vast = createVastProvider({ baseUrl: fake.url, apiKey: 'k' });
    const ref = await launchBothWays(vast, await firstOfferOf(vast, query(['H100'], 10)));
    const inst = fake.instances().find((i) => String(i.id) === ref)!;
    expect(inst.imageLogin).toEqual({ username: 'bot', password: PASSWORD, server: 'registry.acme.test' });
    expect(JSON.stringify(inst.env)).not.toContain(PASSWORD);
  });

  it('ionet: registry_config.registry_username / registry_secret', async () => {
    const fake = track(await startIoNetFake({ seed: 5, apiKey: 'k', privateRegistry: registry }));
    const io = createIoNetProvider({ baseUrl: fake.url, apiKey: 'k', hardware: IONET_HARDWARE.map((h) => ({ hardwareId: h.hardwareId, gpuModel: h.model, vramGb: h.vramGb })) });
    const ref = await launchBothWays(io, await firstOfferOf(io, query(['H100'], 10)));
    const d = fake.deployments().find((x) => x.id === ref)!;
    expect(d.body.registry_config).toEqual({ image_url: IMAGE, registry_username: 'bot', registry_secret: PASSWORD });
    expect(JSON.stringify(d.body.container_config)).not.toContain(PASSWORD);
  });

  it('gcp-batch: Container.username / password', async () => {
    const fake = track(await startGcpBatchFake({ seed: 5, project: 'acme-ml', startDelayMs: 100, runMs: 200, privateRegistry: registry }));
    const gcp = createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', credentials: fake.serviceAccountKey, baseUrl: `${fake.url}/v1` });
    const ref = await launchBothWays(gcp, await firstOfferOf(gcp, query(['L4'], 10)));
    const spec = fake.jobs.get(ref)!.spec as { taskGroups: Array<{ taskSpec: { runnables: Array<{ container: Record<string, unknown> }>; environment: unknown } }> };
    expect(spec.taskGroups[0]!.taskSpec.runnables[0]!.container).toMatchObject({ imageUri: IMAGE, username: 'bot', password: PASSWORD });
    expect(JSON.stringify(spec.taskGroups[0]!.taskSpec.environment)).not.toContain(PASSWORD);
  });

  it('render: parameters.parameters host / user / secret', async () => {
    const fake = track(await startRenderFake({ seed: 7, privateRegistry: registry }));
    const render = createRenderProvider({ baseUrl: fake.url, publicKey: fake.publicKey, secretKey: fake.secretKey, commandImages: ['registry.acme.test/acme/train'] });
    const ref = await launchBothWays(render, await firstOfferOf(render, query(['H100'], 10)));
    const job = fake.jobs().find((j) => j.uuid === ref)!;
    const docker = (job.body.parameters as { parameters: Record<string, unknown> }).parameters;
    expect(docker).toMatchObject({ image: 'registry.acme.test/acme/train', tag: '1.2', host: 'registry.acme.test', user: 'bot', secret: PASSWORD });
    expect(JSON.stringify(docker.env)).not.toContain(PASSWORD);
  });

  it('akash: SDL services.<name>.credentials {host, username, password}', async () => {
    const fake = track(await startAkashFake({ seed: 11, apiKey: 'k', bidDelayMs: 15, privateRegistry: registry }));
    const akash = createAkashProvider({ baseUrl: fake.url, apiKey: 'k', bidWaitMs: 1_000, bidPollMs: 10 });
    const ref = await launchBothWays(akash, await firstOfferOf(akash, query(['H100'], 10)));
    const d = fake.deployments().find((x) => ref.includes(x.dseq))!;
    expect(d.sdl).toContain(`    credentials:\n      host: "registry.acme.test"\n      username: "bot"\n      password: "${PASSWORD}"\n`);
    // Not in env: the env block carries only the job's own variables.
    expect(d.sdl.slice(d.sdl.indexOf('    env:'))).not.toContain(PASSWORD);
  });

  it('runpod: a registry credential (createRegistry) named in the Pod’s `registry`, deleted with the Pod', async () => {
    const fake = track(await startRunPodFake({ seed: 3, startDelayMs: 100, runMs: 300, privateRegistry: registry }));
    const runpod = createRunPodProvider({ apiKey: fake.apiKey, baseUrl: fake.url });
    // The fake stocks secure-cloud H100s only (the cheaper community offer has no capacity).
    const offer = (await runpod.offers(query(['H100'], 10))).find((o) => o.pricePerGpuHourUsd === 2.69)!;
    const ref = await launchBothWays(runpod, offer);
    const pod = fake.pods.get(ref)!;
    const credential = fake.registries.get(pod.registry!)!;
    expect(credential).toMatchObject({ name: 'switchyard-att-login', username: 'bot', password: PASSWORD });
    expect(JSON.stringify(pod.env) + pod.args).not.toContain(PASSWORD);
    // A retried launch of the same attempt stores no second credential.
    expect((await runpod.launch(request('att-login', offer, login))).providerRef).toBe(ref);
    expect(fake.registries.size).toBe(1);
    await runpod.cancel({ attemptId: 'att-login', providerRef: ref });
    expect(fake.registries.size).toBe(0);
  });
});

describe('a provider that cannot take a literal login refuses the launch, naming why', () => {
  it('aws-batch: repositoryCredentials takes only a Secrets Manager ARN', async () => {
    const fake = track(await startAwsBatchFake({ seed: 7, startDelayMs: 100, runMs: 200 }));
    const aws = createAwsBatchProvider({ region: fake.region, endpoint: fake.url, credentials: fake.credentials, jobQueue: 'switchyard-gpu' });
    const err = await providerError(aws.launch(request('att-aws', await firstOfferOf(aws, query(['L4'], 10)), login)));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/imageCredentials.*Secrets Manager ARN/);
    expect(err.message).not.toContain(PASSWORD);
    expect(await aws.listOwned!()).toEqual([]); // nothing was submitted
  });

  it('nosana: its contract documents no registry-login field', async () => {
    const fake = track(await startNosanaFake({ seed: 11, apiKey: 'nos_k' }));
    const nosana = createNosanaProvider({ baseUrl: `${fake.url}/api`, apiKey: 'nos_k' });
    const err = await providerError(nosana.launch(request('att-nos', await firstOfferOf(nosana, query(['H100'], 10)), login)));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/imageCredentials.*no registry-login field/);
    expect(err.message).not.toContain(PASSWORD);
    expect(fake.deployments()).toEqual([]);
  });
});

describe('a provider error that echoes the request', () => {
  it('reaches the caller with the password masked', async () => {
    // A provider whose validation message quotes the field it refuses (Vast's error body shape).
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET') return void res.end(JSON.stringify({ instances: [] }));
        const sent = JSON.parse(body) as { image_login?: string };
        res.statusCode = 400;
        res.end(JSON.stringify({ success: false, error: 'invalid_args', msg: `bad image_login ${sent.image_login}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const vast = createVastProvider({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k' });
    const offer: Offer = { provider: 'vastai', offerId: '1001', gpuModel: 'H100', gpuCount: 1, vramGb: 80, pricePerGpuHourUsd: 2, expectedStartSeconds: 60 };
    const err = await providerError(vast.launch(request('att-echo', offer, login)));
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain('bad image_login -u bot -p [redacted] registry.acme.test');
    expect(err.message).not.toContain(PASSWORD);
  });
});

describe('the registry a login is for', () => {
  it('is the secret’s server, else the image’s registry host, else Docker Hub', () => {
    const bare = { username: 'u', password: 'p' };
    expect(registryHostOf({ ...bare, server: 'ghcr.io' }, 'acme/x:1')).toBe('ghcr.io');
    expect(registryHostOf(bare, 'registry.acme.test/acme/x:1')).toBe('registry.acme.test');
    expect(registryHostOf(bare, 'localhost:5000/x')).toBe('localhost:5000');
    expect(registryHostOf(bare, 'acme/x:1')).toBe('docker.io');
    expect(registryHostOf(bare, 'ubuntu')).toBe('docker.io');
  });

  it('vastai: a password with spaces is quoted; one with a quote is refused without naming it', () => {
    expect(imageLoginFor({ username: 'bot', password: 'two words' }, 'ghcr.io/a/b')).toBe("-u bot -p 'two words' ghcr.io");
    const refused = (() => {
      try {
        imageLoginFor({ username: 'bot', password: "it's-secret" }, 'ghcr.io/a/b');
      } catch (error) {
        return error as ProviderError;
      }
      throw new Error('expected a refusal');
    })();
    expect(refused.kind).toBe('permanent');
    expect(refused.message).toContain('registry password');
    expect(refused.message).not.toContain("it's-secret");
  });
});
