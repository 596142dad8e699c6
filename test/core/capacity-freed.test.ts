// Capacity that frees up wakes the jobs waiting for it, on DynamoDB Local: a job waiting out
// its capacity backoff is enqueued in the reconcile pass that ends an attempt where it may run,
// not only when its backoff is over; a job that may not run there keeps waiting.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import type { Offer } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** A one-machine market: it lists nothing while its machine runs a job. */
const oneMachine = (name: string, clock: ManualClock, runTimeMs: number) => {
  const p = sim({ name, runTimeMs }, clock);
  const offers = p.offers.bind(p);
  let busyUntil = 0;
  p.offers = async (query): Promise<Offer[]> => (clock.now().getTime() < busyUntil ? [] : offers(query));
  const launch = p.launch.bind(p);
  p.launch = async (request) => {
    busyUntil = clock.now().getTime() + runTimeMs;
    return launch(request);
  };
  return p;
};

describe('freed capacity', () => {
  it('wakes a job waiting for capacity when an attempt ends where it may run, and only there', async () => {
    const clock = new ManualClock();
    const market = oneMachine('sim-one', clock, 10_000);
    const other = oneMachine('sim-other', clock, 60_000); // still busy when sim-one frees its machine
    const s = await startTestSystem({ loops: false, clock, providers: [market, other] });
    system = s;
    const submit = async (network: string) => {
      const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: [network], fallback: 'none' } }) });
      expect(res.status).toBe(202);
      return res.body.id as string;
    };
    const first = await submit('sim-one');
    const elsewhere = await submit('sim-other');
    await s.queue.pollOnce();
    await s.reconcile(); // both run, each market's only machine taken
    // Two more jobs, one for each market: nothing free, so both wait out a backoff.
    clock.advance(7_000);
    const waiting = await submit('sim-one');
    const notThere = await submit('sim-other');
    await s.queue.pollOnce();
    for (const id of [waiting, notThere]) {
      const job = (await s.store.get(id))!;
      expect(job.status, job.reason).toBe('queued');
      expect(job.reason).toContain('waiting for capacity (next try in 5s)');
    }
    // sim-one's job ends at 10 s; the backoff would hold the waiting job until 12 s.
    clock.advance(3_500);
    const summary = await s.reconcile();
    expect((await s.store.get(first))!.status).toBe('succeeded');
    expect(summary.woken).toBe(1);
    await s.queue.pollOnce();
    const woken = (await s.store.get(waiting))!;
    expect(woken.status, woken.reason).toBe('starting');
    expect(woken.attempts.map((a) => a.provider)).toEqual(['sim-one']);
    // The job pinned to the other market was not woken: its backoff still holds it.
    const held = (await s.store.get(notThere))!;
    expect(held.status).toBe('queued');
    expect(held.attempts).toEqual([]);
    expect((await s.store.get(elsewhere))!.status).not.toBe('queued');
  });
});
