// Waiting for capacity when nothing was even launched, on DynamoDB Local: a provider whose offer
// listing fails (a 503, a 429) or that has nothing free now of what its catalogue sells makes
// the job wait with backoff and be placed when offers return; a job asking for what no
// provider it may run on ever sells (here: below every catalogue price), or whose listing
// refuses our credentials, fails at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { ProviderError, type Offer } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

type Listing = 'fails' | 'denied' | 'empty' | 'normal';

const setup = async () => {
  const clock = new ManualClock();
  const p = sim({ name: 'sim-market', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
  let listing: Listing = 'normal';
  const offers = p.offers.bind(p);
  p.offers = async (query): Promise<Offer[]> => {
    if (listing === 'fails') throw new ProviderError('transient', 'sim-market GET /offers -> 503');
    if (listing === 'denied') throw new ProviderError('auth', 'sim-market GET /offers -> 401 bad API key');
    if (listing === 'empty') return []; // every H100 rented by someone else right now
    return offers(query);
  };
  const s = await startTestSystem({ loops: false, clock, providers: [p] });
  system = s;
  const submit = async (extra: Record<string, unknown> = {}) => {
    const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-market'], fallback: 'none' }, ...extra }) });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  return { s, clock, submit, setListing: (l: Listing) => (listing = l) };
};

describe('waiting for offers', () => {
  for (const listing of ['fails', 'empty'] as const) {
    it(`waits while the listing ${listing === 'fails' ? 'fails' : 'has nothing free'}, then places the job`, async () => {
      const { s, clock, submit, setListing } = await setup();
      setListing(listing);
      const id = await submit();
      await s.queue.pollOnce();
      let job = (await s.store.get(id))!;
      expect(job.status, job.reason).toBe('queued');
      expect(job.attempts).toEqual([]);
      expect(job.reason).toContain('waiting for capacity');
      expect(job.reason).toContain(listing === 'fails' ? 'offers unavailable' : 'no offer fits');
      setListing('normal');
      clock.advance(400_000); // past the backoff
      await s.reconcile();
      await s.queue.pollOnce();
      job = (await s.store.get(id))!;
      expect(job.status).toBe('starting');
      expect(job.attempts.map((a) => a.provider)).toEqual(['sim-market']);
    });
  }

  it('fails at once when the listing refuses our credentials (waiting would not help)', async () => {
    const { s, submit, setListing } = await setup();
    setListing('denied');
    const id = await submit();
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.status).toBe('failed');
    expect(job.reason).toContain('401 bad API key');
  });

  it('fails at once a job no catalogue could ever take', async () => {
    const { s, submit, setListing } = await setup();
    setListing('empty');
    const id = await submit({ maxPricePerGpuHourUsd: 1 }); // the catalogue sells H100 at $2
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.status).toBe('failed');
    expect(job.reason).toContain('no offer fits');
  });
});
