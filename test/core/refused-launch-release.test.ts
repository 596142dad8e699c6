// A refused launch may have left a resource (an Akash deployment created before its auction
// found no bid, whose own close then failed; a launch cut short by a timeout). On DynamoDB
// Local: the reconciler stops it, and asks again when a stop did not go through, while the
// job sleeps through its capacity backoff, not only once the job is placed (which may be hours later).
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { ProviderError } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** A market that makes a machine for every launch and then refuses it for capacity; stops fail while `stopsFail`. */
const leakyMarket = (clock: ManualClock) => {
  const p = sim({ name: 'sim-leaky', runTimeMs: 3_600_000 }, clock);
  const launch = p.launch.bind(p);
  p.launch = async (request) => {
    await launch(request);
    throw new ProviderError('capacity', 'sim-leaky: no bid within the auction');
  };
  const control = { stopsFail: false };
  const cancel = p.cancel.bind(p);
  p.cancel = async (ref) => {
    p.cancels.push(ref.attemptId);
    if (control.stopsFail) throw new ProviderError('transient', 'sim-leaky DELETE -> 503');
    return cancel(ref);
  };
  return { p, control };
};

const submit = async (s: RunningSystem) => {
  const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-leaky'], fallback: 'none' } }) });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

describe('a refused launch that left a resource', () => {
  it('is stopped while its job sleeps through its capacity backoff, and asked again when the stop failed', async () => {
    const clock = new ManualClock();
    const { p, control } = leakyMarket(clock);
    const s = await startTestSystem({ loops: false, clock, providers: [p], reconcile: { releaseRetry: { baseSeconds: 2, maxSeconds: 60 } } });
    system = s;
    control.stopsFail = true;
    const id = await submit(s);
    // Three refusals, each leaving a machine: backoffs of 5, 10 and 20 s.
    for (const wait of [0, 6_000, 11_000]) {
      clock.advance(wait);
      await s.reconcile();
      await s.queue.pollOnce();
    }
    let job = (await s.store.get(id))!;
    expect(job.status, job.reason).toBe('queued');
    expect(job.reason).toContain('waiting for capacity (next try in 20s)');
    expect(job.attempts.map((a) => a.refusedFor)).toEqual(['capacity', 'capacity', 'capacity']);
    expect(p.liveAttemptIds()).toHaveLength(3);
    // The job sleeps 20 s: this pass asks the stops now (they fail), not once the job is placed.
    await s.reconcile();
    job = (await s.store.get(id))!;
    expect(job.attempts.every((a) => a.releasedAt === undefined && a.releaseTries === 1)).toBe(true);
    // 3 s later the retries are due and the job still sleeps: asked again, they go through.
    control.stopsFail = false;
    clock.advance(3_000);
    await s.reconcile();
    job = (await s.store.get(id))!;
    expect(job.status).toBe('queued');
    expect(Date.parse(job.leaseUntil!)).toBeGreaterThan(clock.now().getTime());
    expect(job.attempts.map((a) => a.releasedAt !== undefined)).toEqual([true, true, true]);
    expect(p.liveAttemptIds()).toEqual([]);
  });
});
