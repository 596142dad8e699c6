// Property over random lifecycles (seeded): with hedging jobs, deadline jobs and plain jobs
// on slow, fast and flaky sim networks, a job never has more than one live attempt except a
// hedge (then exactly two, the second marked as the hedge), and nothing is left running.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { isTerminal, liveAttempts, type Job } from '../../src/core/job.js';
import { mulberry32 } from '../../src/providers/sim/sim-provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe('hedge properties', () => {
  it('≤ 1 live attempt except a hedge, and no machine outlives its job', async () => {
    const clock = new ManualClock();
    const H100 = (price: number) => [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: price }];
    const nets = [
      sim({ name: 'sim-slow', startDelayMs: 400_000, runTimeMs: 900_000, catalog: H100(1) }, clock),
      sim({ name: 'sim-fast', startDelayMs: 30_000, runTimeMs: 900_000, catalog: H100(2) }, clock),
      sim({ name: 'sim-flaky', startDelayMs: 90_000, runTimeMs: 900_000, refuseRate: 0.3, failureRate: 0.3, seed: 5, catalog: H100(1.2) }, clock),
    ];
    const s = (system = await startTestSystem({ loops: false, clock, providers: nets, reconcile: { startDeadlineSeconds: 600 } }));
    for (let i = 0; i < 5; i++) {
      await s.deps.stats!.record({ attemptId: `seen-${i}`, provider: 'sim-slow', gpuModel: 'H100', kind: 'delivered', at: clock.now().toISOString(), startSeconds: 100 });
    }
    const rng = mulberry32(2026);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = rng();
      const extra = r < 0.4 ? { hedge: true, maxWallClockSeconds: 4 * 3600 } : r < 0.6 ? { hedge: true, placement: { strategy: 'fastest', fallback: 'cloud' } } : r < 0.8 ? { maxWallClockSeconds: 4 * 3600 } : {};
      const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ ...extra, maxDurationSeconds: 1800 }) });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    let hedged = 0;
    for (let stepNo = 0; stepNo < 300; stepNo++) {
      await s.queue.pollOnce();
      clock.advance(Math.floor(5_000 + rng() * 20_000)); // steps shorter than the 50 s between hedge time and start deadline
      await s.reconcile();
      const jobs = (await Promise.all(ids.map((id) => s.store.get(id)))) as Job[];
      for (const j of jobs) {
        const live = liveAttempts(j);
        if (live.length > 1) {
          expect(live, j.id).toHaveLength(2);
          expect(j.spec.hedge).toBe(true);
          expect(live[1]!.hedge).toBe('second');
        }
        if (j.attempts.some((a) => a.hedge === 'second')) hedged++;
      }
      if (jobs.every((j) => isTerminal(j.status) && liveAttempts(j).length === 0 && j.attempts.every((a) => a.releasedAt !== undefined))) break;
    }
    const final = (await Promise.all(ids.map((id) => s.store.get(id)))) as Job[];
    expect(final.map((j) => isTerminal(j.status))).toEqual(final.map(() => true));
    expect(hedged).toBeGreaterThan(0); // the property was exercised with hedges, not only without
    for (const n of nets) expect(n.liveAttemptIds(), n.name).toEqual([]);
    for (const j of final) for (const a of j.attempts) if (a.hedge === 'lost') expect(a.releasedAt).toBeDefined();
  }, 240_000);
});
