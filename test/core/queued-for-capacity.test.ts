// A launch still waiting in the provider's own queue for a machine (Nosana: QUEUED) when its
// start deadline passes is a wait for capacity, not a failed start: on DynamoDB Local, the
// queued launch is stopped, the job goes back to `queued` with backoff and spends no try, so
// a saturated market does not fail a job pinned to it after a few deadlines (chaos --jobs
// 10000 failed ~100 jobs pinned to nosana so). A start that hangs without that word still fails over.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import type { AttemptRef, ProviderStatus } from '../../src/core/provider.js';
import { budgetedAttempts } from '../../src/core/capacity-wait.js';
import { api, startTestSystem } from '../support/system.js';
import { CountingSim, ManualClock, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** A market whose launches never get a node; `queued` says whether it tells so (Nosana's QUEUED) or just stays pending. */
class FullMarket extends CountingSim {
  constructor(clock: ManualClock, private readonly queued: boolean) {
    super({ name: 'sim-full', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }], startDelayMs: 0, runTimeMs: 60_000, failureRate: 0, seed: 1 }, clock);
  }
  override async status(ref: AttemptRef): Promise<ProviderStatus> {
    const s = await super.status(ref);
    if (s.state !== 'running' && s.state !== 'succeeded') return s; // never gets a node
    return this.queued ? { state: 'pending', queuedForCapacity: true, message: 'queued in the market, waiting for a node' } : { state: 'pending', message: 'starting' };
  }
}

const run = async (queued: boolean) => {
  const clock = new ManualClock();
  const market = new FullMarket(clock, queued);
  const s = await startTestSystem({ loops: false, clock, providers: [market], reconcile: { startDeadlineSeconds: 120 } });
  system = s;
  const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-full'], fallback: 'none' } }) });
  expect(res.status).toBe(202);
  const id = res.body.id as string;
  // Eight start deadlines in a row, more than the failover budget (6 tries).
  for (let i = 0; i < 8; i++) {
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(121_000);
    await s.reconcile();
    clock.advance(400_000); // past any capacity backoff
    await s.reconcile();
  }
  return { s, market, job: (await s.store.get(id))! };
};

describe('a launch queued at the provider past its start deadline', () => {
  it('waits for capacity: stopped, queued again with backoff, no try spent, never failed', async () => {
    const { market, job } = await run(true);
    expect(job.status, job.reason).not.toBe('failed');
    expect(job.attempts.length).toBeGreaterThanOrEqual(6); // as many as the whole failover budget
    expect(job.attempts.filter((a) => a.status === 'failed').every((a) => a.refusedFor === 'capacity' && /still queued at sim-full for a machine/.test(a.reason ?? ''))).toBe(true);
    expect(budgetedAttempts(job)).toBeLessThanOrEqual(1); // only the live one, if any
    expect(market.cancels.length).toBeGreaterThanOrEqual(job.attempts.filter((a) => a.status === 'failed').length); // each was stopped
  });

  it('a start that just hangs still fails over and spends tries, then the job fails', async () => {
    const { job } = await run(false);
    expect(job.status).toBe('failed');
    expect(job.attempts.some((a) => /did not start within/.test(a.reason ?? '') && a.refusedFor === undefined)).toBe(true);
  });
});
