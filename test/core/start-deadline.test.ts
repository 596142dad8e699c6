// Learned start deadlines: 2 × p95 of a provider's last 40 starts, at least 60 s and never past
// the configured deadline (600 s by default), which also holds until 5 starts are known; the
// reconciler abandons a launch at its provider's deadline, and the agent token outlives any of them.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { applyOutcome, RECENT_STARTS_KEPT } from '../../src/core/reliability.js';
import { hedgeAfterSeconds, learnedStartDeadlineSeconds, START_DEADLINE_BOUNDS } from '../../src/core/pending-start.js';
import { withAgent } from '../../src/agent/launch.js';
import { verifyAttemptToken } from '../../src/agent/capability-token.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const withStarts = (starts: number[]) =>
  starts.reduce(
    (rec, s, i) => applyOutcome(rec, { attemptId: `a${i}`, provider: 'p', gpuModel: 'H100', kind: 'delivered', at: '2026-01-01T00:00:00Z', startSeconds: s }),
    undefined as ReturnType<typeof applyOutcome> | undefined,
  );

describe('learned start deadline', () => {
  it('keeps the fallback until 5 starts are known, then 2 × p95, at least 60 s and never past the fallback', () => {
    expect(learnedStartDeadlineSeconds(withStarts([200, 200, 200, 200]))).toBe(600);
    expect(learnedStartDeadlineSeconds(withStarts([200, 200, 200, 200]), 120)).toBe(120);
    expect(learnedStartDeadlineSeconds(withStarts([100, 100, 100, 100, 200]))).toBe(400);
    expect(learnedStartDeadlineSeconds(withStarts(Array(20).fill(5)))).toBe(START_DEADLINE_BOUNDS.min);
    // Slow starts do not lengthen it: a hung launch would burn longer than slow starts gain.
    expect(learnedStartDeadlineSeconds(withStarts(Array(20).fill(5000)))).toBe(600);
    expect(learnedStartDeadlineSeconds(withStarts([100, 100, 100, 100, 200]), 300)).toBe(300);
  });

  it('learns from the last 40 starts only: an old slow spell is forgotten', () => {
    const rec = withStarts([...Array(40).fill(1000), ...Array(RECENT_STARTS_KEPT).fill(100)]);
    expect(rec!.recentStarts).toHaveLength(RECENT_STARTS_KEPT);
    expect(learnedStartDeadlineSeconds(rec)).toBe(200);
  });

  it('calls a launch late (hedge time) past the p75 of the same starts', () => {
    const starts = [10, 20, 30, 40, 50, 60, 70, 80];
    expect(hedgeAfterSeconds(withStarts(starts), 600)).toBe(60);
    expect(hedgeAfterSeconds(undefined, 600)).toBe(300);
  });

  it('gives the agent token a life that covers the longest learned start deadline', async () => {
    const key = 'k'.repeat(40);
    const request = { attemptId: 'j-a1', jobId: 'j', offer: {} as never, image: 'i', command: ['true'], env: {}, maxDurationSeconds: 3600 };
    const now = Date.parse('2026-01-01T00:00:00Z');
    const wrapped = await withAgent(request, 't', simJob() as never, { apiUrl: () => 'http://x', tokenKey: async () => key, startDeadlineSeconds: 120 }, now);
    const token = wrapped!.env.SWITCHYARD_AGENT_TOKEN!;
    // Started at the very end of an 1800 s start deadline and ran its full hour: still valid.
    expect(verifyAttemptToken(key, token, now + (1800 + 3600) * 1000)).toBeDefined();
  });
});

describe('the reconciler uses each provider\'s own start deadline', () => {
  it('abandons a launch on a provider that starts in 20 s after 60 s, and waits on one with no history', async () => {
    const clock = new ManualClock();
    const known = sim({ name: 'sim-known', startDelayMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const fresh = sim({ name: 'sim-fresh', startDelayMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const s = (system = await startTestSystem({ loops: false, clock, providers: [known, fresh], reconcile: { startDeadlineSeconds: 600 } }));
    for (let i = 0; i < 5; i++) {
      await s.deps.stats!.record({ attemptId: `seen-${i}`, provider: 'sim-known', gpuModel: 'H100', kind: 'delivered', at: clock.now().toISOString(), startSeconds: 20 });
    }
    const onKnown = (await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-known'], fallback: 'none' } }) })).body.id;
    const onFresh = (await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-fresh'], fallback: 'none' } }) })).body.id;
    await s.queue.pollOnce();
    clock.advance(70_000);
    await s.reconcile();
    const a = (await s.store.get(onKnown))!.attempts[0]!;
    expect([a.status, a.reason]).toEqual(['failed', 'did not start within 60s']);
    expect(known.cancels).toEqual([a.id]);
    expect((await s.store.get(onFresh))!.attempts[0]!.status).toBe('starting');
    clock.advance(540_000);
    await s.reconcile();
    expect((await s.store.get(onFresh))!.attempts[0]!.reason).toBe('did not start within 600s');
  });
});
