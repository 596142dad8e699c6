// A refused launch may have left a resource (an Akash deployment created before its auction
// found no bid, whose own close then failed; a launch cut short by a timeout). On DynamoDB
// Local: the dispatcher stops it in the write that records the refusal, and a stop that did
// not go through is asked again while the job sleeps through its capacity backoff, not only
// once the job is placed (which may be hours later).
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
  it('is stopped by the dispatcher in the write that records the refusal', async () => {
    const clock = new ManualClock();
    const { p } = leakyMarket(clock);
    const s = await startTestSystem({ loops: false, clock, providers: [p] });
    system = s;
    const id = await submit(s);
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.status, job.reason).toBe('queued');
    expect(job.reason).toContain('waiting for capacity');
    const [attempt] = job.attempts;
    expect(attempt!.refusedFor).toBe('capacity');
    expect(attempt!.releasedAt).toBeDefined();
    expect(p.liveAttemptIds()).toEqual([]);
  });

  it('is asked again while its job waits for capacity, when the first stop failed', async () => {
    const clock = new ManualClock();
    const { p, control } = leakyMarket(clock);
    const s = await startTestSystem({ loops: false, clock, providers: [p] });
    system = s;
    control.stopsFail = true;
    const id = await submit(s);
    // Three refusals: backoffs of 5, 10 and 20 s; every stop fails (retried 10 s later).
    for (const wait of [0, 6_000, 11_000]) {
      clock.advance(wait);
      await s.reconcile();
      await s.queue.pollOnce();
    }
    let job = (await s.store.get(id))!;
    expect(job.attempts).toHaveLength(3);
    expect(job.attempts.every((a) => a.releasedAt === undefined && a.nextReleaseAt !== undefined)).toBe(true);
    expect(p.liveAttemptIds()).toHaveLength(3);
    // 8 s later the first two stops are due and the job still sleeps 12 s more: the pass asks them now.
    control.stopsFail = false;
    clock.advance(8_000);
    await s.reconcile();
    job = (await s.store.get(id))!;
    expect(job.status).toBe('queued');
    expect(Date.parse(job.leaseUntil!)).toBeGreaterThan(clock.now().getTime());
    expect(job.attempts.map((a) => a.releasedAt !== undefined)).toEqual([true, true, false]);
    expect(p.liveAttemptIds()).toEqual([job.attempts[2]!.id]);
  });
});
