// A transient answer at launch (one 503, a 429 with Retry-After, a timeout) does not end the
// job nor count against the provider: the dispatcher sends the same launch again, with the same
// attempt id. What stays transient through the tries sends the job back to wait, not to fail.
// The Vast.ai adapter talks to its fake through a real HTTP proxy that injects the faults.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchJob } from '../../src/core/dispatch.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startVastFake, type VastFake } from '../../src/market/vastai-fake.js';
import { createVastProvider } from '../../src/providers/vastai/index.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { ManualClock, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let fake: VastFake | undefined;
let proxy: FaultProxy | undefined;
let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  await proxy?.close();
  await fake?.close();
  system = proxy = fake = undefined;
});

const isLaunch = (method: string, path: string) => method === 'PUT' && path.startsWith('/api/v0/asks/');

const start = async (faults: Fault[], clock?: ManualClock) => {
  fake = await startVastFake({ seed: 7, apiKey: 'k-vast', scenario: { startDelayMs: 40, runMs: 60_000 } });
  proxy = await startFaultProxy(fake.url, isLaunch);
  proxy.inject(faults);
  const vast = createVastProvider({ baseUrl: proxy.url, apiKey: 'k-vast', timeoutMs: 500 });
  system = await startTestSystem({ loops: false, providers: [vast], dispatch: { launchRetry: { tries: 3, baseMs: 50, maxWaitMs: 2000 } }, ...(clock ? { clock } : {}) });
  const res = await api(system, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['vastai'], fallback: 'none' } }) });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

describe('transient errors at launch', () => {
  for (const [name, fault] of [
    ['one 503', { status: 503 }],
    ['a 429 with Retry-After', { status: 429, headers: { 'retry-after': '1' } }],
    ['a timeout', 'hang'],
  ] as Array<[string, Fault]>) {
    it(`${name}: the same launch is sent again and the job runs, on one attempt`, async () => {
      const jobId = await start([fault]);
      expect(await dispatchJob(system!.deps, jobId)).toBe('launched');
      const job = (await system!.store.get(jobId))!;
      expect(job.status).toBe('starting');
      expect(job.attempts).toHaveLength(1);
      expect(job.attempts[0]!.providerRef).toBeDefined();
      expect(proxy!.matched).toHaveLength(2);
    });
  }

  it('still transient after the tries on every offer: the job waits and is placed later, not failed', async () => {
    const clock = new ManualClock(Date.now());
    const jobId = await start(Array.from({ length: 1000 }, () => ({ status: 503 })), clock);
    expect(await dispatchJob(system!.deps, jobId)).toBe('waiting');
    const waiting = (await system!.store.get(jobId))!;
    expect(waiting.status).toBe('queued');
    expect(waiting.attempts.length).toBeGreaterThan(1); // each offer tried, none counted as a refusal
    expect(waiting.attempts.every((a) => a.status === 'failed' && a.refusedFor === 'transient')).toBe(true);
    expect(proxy!.matched).toHaveLength(waiting.attempts.length * 3);
    const stats = (await system!.deps.stats!.getMany(['vastai'])).get('vastai');
    expect(stats?.consecutiveFailures ?? 0).toBe(0); // nothing counted against the provider

    proxy!.clear(); // the provider is answering again
    clock.advance(60 * 60_000); // past the backoff
    expect(await dispatchJob(system!.deps, jobId)).toBe('launched');
    const placed = (await system!.store.get(jobId))!;
    expect(placed.status).toBe('starting');
    expect(placed.attempts.at(-1)!.status).toBe('starting');
  });
});
