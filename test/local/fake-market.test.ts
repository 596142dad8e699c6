// Local mode's default market: the real adapters, through the same registry AWS uses,
// against fakes of each provider's API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMarket, type FakeMarket } from '../../src/local/fake-market.js';
import { startRunPodFake } from '../../src/market/cloud/index.js';
import { createRunPodProvider } from '../../src/providers/runpod/index.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

let market: FakeMarket;
let system: RunningSystem;
beforeAll(async () => {
  market = await startFakeMarket({ startDelayMs: 100, runMs: 400 });
  system = await startTestSystem({ providers: market.providers, reconcileIntervalMs: 100 });
});
afterAll(async () => {
  await system.stop();
  await market.stop();
});

const gpuJob = (placement: Record<string, unknown>, models = ['H100', 'A100-80GB']) => ({
  image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
  command: ['python', '-c', 'print(1)'],
  resources: { gpu: { models, count: 1 } },
  maxDurationSeconds: 600,
  maxPricePerGpuHourUsd: 15,
  placement: { strategy: 'cheapest', ...placement },
});

const run = async (placement: Record<string, unknown>, models?: string[]) => {
  const res = await api(system, 'POST', '/v1/jobs', { body: gpuJob(placement, models) });
  expect(res.status).toBe(202);
  return waitFor(
    () => api(system, 'GET', `/v1/jobs/${res.body.id}`).then((r) => r.body),
    (j) => ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(j.status),
    { timeoutMs: 30_000 },
  );
};

describe('the default local market', () => {
  it('lists every real provider, enabled, by kind', async () => {
    const res = await api(system, 'GET', '/v1/providers');
    const kinds = Object.fromEntries(res.body.items.map((p: any) => [p.name, [p.kind, p.enabled]]));
    expect(kinds).toMatchObject({
      akash: ['decentralized', true],
      vastai: ['decentralized', true],
      ionet: ['decentralized', true],
      nosana: ['decentralized', true],
      render: ['decentralized', true],
      'aws-batch': ['cloud', true],
      'gcp-batch': ['cloud', true],
      runpod: ['cloud', true],
      local: ['local', true],
    });
  });

  it('runs a GPU job to the end on a decentralized network without touching a cloud', async () => {
    const job = await run({ fallback: 'none' });
    expect(job.status).toBe('succeeded');
    const clouds = ['aws-batch', 'gcp-batch', 'runpod'];
    expect(job.attempts.every((a: any) => !clouds.includes(a.provider))).toBe(true);
    expect(job.attempts.at(-1).pricePerGpuHourMicroUsd).toBeLessThanOrEqual(15_000_000); // the customer's price, capped by the job's ceiling
  });

  for (const network of ['akash', 'vastai', 'nosana', 'render', 'aws-batch', 'gcp-batch', 'runpod']) {
    it(`runs a job on ${network} through its real adapter when the allow-list names it`, async () => {
      // H100 only: every fake market stocks it, so the one allowed network has capacity.
      const job = await run({ networks: [network], fallback: 'cloud' }, ['H100']);
      expect(job.attempts.map((a: any) => a.provider), JSON.stringify(job)).toEqual([network]);
      expect(job.status, JSON.stringify(job)).toBe('succeeded');
    });
  }
});

describe('a job allowed on one network', () => {
  it("tries that network's other offers when the cheapest one has no capacity", async () => {
    // The fake's default stock has no community H100: the cheapest H100 offer is refused.
    const fake = await startRunPodFake({ seed: 3, startDelayMs: 100, runMs: 300 });
    const runpod = createRunPodProvider({ apiKey: fake.apiKey, baseUrl: fake.url });
    const s = await startTestSystem({ providers: [runpod], reconcileIntervalMs: 100 });
    try {
      const res = await api(s, 'POST', '/v1/jobs', { body: gpuJob({ networks: ['runpod'], fallback: 'cloud' }, ['H100']) });
      const job = await waitFor(() => api(s, 'GET', `/v1/jobs/${res.body.id}`).then((r) => r.body), (j) => j.status === 'succeeded' || j.status === 'failed');
      expect(job.status, JSON.stringify(job)).toBe('succeeded');
      // The customer's prices: RunPod's $1.99 and $2.69 plus the default 15 %.
      expect(job.attempts.map((a: any) => [a.status, a.pricePerGpuHourMicroUsd])).toEqual([
        ['failed', 2_288_500],
        ['succeeded', 3_093_500],
      ]);
      expect(job.attempts[0].reason).toContain('capacity');
    } finally {
      await s.stop();
      await fake.close();
    }
  });
});
