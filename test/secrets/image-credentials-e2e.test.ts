// Private images end to end in local mode: a job naming imageCredentials runs on real
// adapters against their fakes, each fake guarding a private registry that pulls only with
// the login in that provider's own field; on a provider that cannot take a literal login
// the job fails with that reason. The password is in no API response, log line or stored
// item (the whole table is scanned).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { startAwsBatchFake, type AwsBatchFake } from '../../src/market/cloud/aws-batch-fake.js';
import { startGcpBatchFake, type GcpBatchFake } from '../../src/market/cloud/gcp-batch-fake.js';
import { IONET_HARDWARE, startIoNetFake, type IoNetFake } from '../../src/market/ionet-fake.js';
import { startVastFake, type VastFake } from '../../src/market/vastai-fake.js';
import { createAwsBatchProvider } from '../../src/providers/aws-batch/aws-batch-provider.js';
import { createGcpBatchProvider } from '../../src/providers/gcp-batch/index.js';
import { createIoNetProvider } from '../../src/providers/ionet/index.js';
import { createVastProvider } from '../../src/providers/vastai/index.js';
import { api, startTestSystem, waitFor, scanTable as scanAll } from '../support/system.js';

const PASSWORD = 'e2e-registry-pass-41c9-never-shown';
const registry = { host: 'registry.acme.test', username: 'ci-bot', password: PASSWORD };
const IMAGE = 'registry.acme.test/acme/train:2.0';

let vast: VastFake;
let ionet: IoNetFake;
let gcp: GcpBatchFake;
let aws: AwsBatchFake;
let system: RunningSystem;
const logLines: string[] = [];
const responses: string[] = [];

beforeAll(async () => {
  const timing = { startDelayMs: 100, runMs: 300 };
  vast = await startVastFake({ seed: 7, apiKey: 'k-vast', scenario: timing, privateRegistry: registry });
  ionet = await startIoNetFake({ seed: 5, apiKey: 'k-io', scenario: timing, privateRegistry: registry });
  gcp = await startGcpBatchFake({ seed: 5, project: 'acme-ml', ...timing, privateRegistry: registry });
  aws = await startAwsBatchFake({ seed: 7, ...timing });
  system = await startTestSystem({
    providers: [
      createVastProvider({ baseUrl: vast.url, apiKey: 'k-vast' }),
      createIoNetProvider({ baseUrl: ionet.url, apiKey: 'k-io', hardware: IONET_HARDWARE.map((h) => ({ hardwareId: h.hardwareId, gpuModel: h.model, vramGb: h.vramGb })) }),
      createGcpBatchProvider({ project: 'acme-ml', location: 'us-central1', credentials: gcp.serviceAccountKey, baseUrl: `${gcp.url}/v1` }),
      createAwsBatchProvider({ region: aws.region, endpoint: aws.url, credentials: aws.credentials, jobQueue: 'switchyard-gpu' }),
    ],
    reconcileIntervalMs: 100,
    log: (message, fields) => void logLines.push(`${message} ${JSON.stringify(fields ?? {})}`),
  });
  const secret = { name: 'acme-registry', value: JSON.stringify({ username: 'ci-bot', password: PASSWORD, server: 'registry.acme.test' }) };
  expect((await api(system, 'POST', '/v1/secrets', { body: secret })).status).toBe(201);
});
afterAll(async () => {
  await system.stop();
  for (const f of [vast, ionet, gcp, aws]) await f.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await api(system, method, path, body === undefined ? {} : { body });
  responses.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
  return res;
};

const run = async (network: string, models: string[]) => {
  const res = await call('POST', '/v1/jobs', {
    image: IMAGE,
    imageCredentials: 'acme-registry',
    command: ['python', 'train.py'],
    resources: { gpu: { models, count: 1 } },
    maxDurationSeconds: 600,
    maxPricePerGpuHourUsd: 15,
    placement: { strategy: 'cheapest', networks: [network], fallback: 'cloud' },
  });
  expect(res.status).toBe(202);
  const job = await waitFor(
    () => call('GET', `/v1/jobs/${res.body.id}`).then((r) => r.body),
    (j) => ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(j.status),
    { timeoutMs: 30_000 },
  );
  await call('GET', `/v1/jobs/${res.body.id}/events`);
  return job;
};

const scanTable = async (): Promise<string> => JSON.stringify(await scanAll(system));

describe('a job with imageCredentials in local mode', () => {
  it('runs to the end on vastai, ionet and gcp-batch, each fake pulling with the login from its own field', async () => {
    for (const [network, models] of [['vastai', ['H100']], ['ionet', ['H100']], ['gcp-batch', ['L4']]] as const) {
      const job = await run(network, [...models]);
      expect(job.attempts.map((a: any) => a.provider), JSON.stringify(job)).toEqual([network]);
      expect(job.status, JSON.stringify(job)).toBe('succeeded');
    }
    // Each fake refuses an image on its private registry without the login, so success above
    // is the proof for vastai (whose destroyed instances are gone); the others keep the request.
    expect(ionet.deployments().some((d) => (d.body.registry_config as any)?.registry_secret === PASSWORD)).toBe(true);
    expect([...gcp.jobs.values()].some((j) => JSON.stringify(j.spec).includes(PASSWORD))).toBe(true);
  });

  it('fails on aws-batch with the reason on the attempt, and submits nothing', async () => {
    const job = await run('aws-batch', ['L4']);
    expect(job.status).toBe('failed');
    expect(job.attempts[0].provider).toBe('aws-batch');
    expect(job.reason).toMatch(/imageCredentials.*Secrets Manager ARN/);
    expect(aws.jobs.jobs.size).toBe(0);
  });

  it('without imageCredentials the same private image is not pulled (the fake guards its registry)', async () => {
    const res = await call('POST', '/v1/jobs', {
      image: IMAGE,
      command: ['python', 'train.py'],
      resources: { gpu: { models: ['H100'], count: 1 } },
      maxDurationSeconds: 600,
      maxPricePerGpuHourUsd: 15,
      placement: { strategy: 'cheapest', networks: ['vastai'], fallback: 'none' },
    });
    const job = await waitFor(() => call('GET', `/v1/jobs/${res.body.id}`).then((r) => r.body), (j) => ['succeeded', 'failed'].includes(j.status), { timeoutMs: 30_000 });
    expect(job.status).toBe('failed');
    expect(job.reason).toContain('pull access denied');
  });

  it('the password is in no API response, log line or stored item', async () => {
    expect(responses.length).toBeGreaterThan(8);
    expect(responses.join('\n')).not.toContain(PASSWORD);
    expect(logLines.join('\n')).not.toContain(PASSWORD);
    expect(await scanTable()).not.toContain(PASSWORD);
  });
});
