// The local market's billedAfterEndSeconds: jobs run to the end on every network's fake
// through its real adapter; every ended attempt's resource is released (confirmed through
// the port's default path or the adapter's own release), and no provider still lists it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billedAfterEndOfTenant } from '../../src/core/billed-after-end.js';
import { awaitingRelease, isTerminal, type Job } from '../../src/core/job.js';
import { startFakeMarket, type FakeMarket } from '../../src/local/fake-market.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

let market: FakeMarket;
let system: RunningSystem;
beforeAll(async () => {
  market = await startFakeMarket({ startDelayMs: 100, runMs: 300 });
  system = await startTestSystem({ providers: market.providers, reconcileIntervalMs: 100 });
});
afterAll(async () => {
  await system.stop();
  await market.stop();
});

const NETWORKS = ['akash', 'vastai', 'nosana', 'aws-batch', 'gcp-batch', 'runpod'];

describe('billedAfterEndSeconds in the local market', () => {
  it('releases every ended attempt on every network and reports nothing still held', async () => {
    const ids: string[] = [];
    for (const network of NETWORKS) {
      const res = await api(system, 'POST', '/v1/jobs', {
        body: {
          image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
          command: ['python', '-c', 'print(1)'],
          resources: { gpu: { models: ['H100'], count: 1 } },
          maxDurationSeconds: 600,
          maxPricePerGpuHourUsd: 15,
          placement: { strategy: 'cheapest', networks: [network], fallback: 'cloud' },
        },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const jobs = await waitFor(
      async () => Promise.all(ids.map(async (id) => (await system.store.get(id)) as Job)),
      (js) => js.every((j) => isTerminal(j.status) && !j.attempts.some(awaitingRelease)),
      { timeoutMs: 60_000 },
    );
    const attempts = jobs.flatMap((j) => j.attempts);
    expect(attempts.length).toBeGreaterThanOrEqual(NETWORKS.length);
    for (const a of attempts) expect(a.releasedAt, `${a.provider} ${a.id}`).toBeDefined();
    const timelines = await Promise.all(ids.map((id) => system.store.events(id)));
    expect(timelines.flat().filter((e) => e.type === 'release')).toHaveLength(attempts.length);

    const figures = await billedAfterEndOfTenant(system.store, system.tenantId, system.deps.providers, new Date());
    for (const network of NETWORKS) {
      expect(figures[network], network).toMatchObject({ stillHeld: 0 });
      expect(figures[network]!.endedAttempts).toBeGreaterThan(0);
    }
  });
});
