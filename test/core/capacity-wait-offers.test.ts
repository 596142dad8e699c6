// Waiting for capacity when nothing was even launched, on DynamoDB Local: a provider whose offer
// listing fails (a 503, a 429) or that has nothing free now of what its catalogue sells makes
// the job wait with backoff and be placed when offers return; a job asking for what no
// provider it may run on ever sells (here: below every catalogue price), or whose listing
// refuses our credentials, fails at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { ProviderError, type Offer } from '../../src/core/provider.js';
import type { Attempt, Job } from '../../src/core/job.js';
import { capacityWaitAfter } from '../../src/core/capacity-wait.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { createVastProvider } from '../../src/providers/vastai/vastai-provider.js';
import { createAkashProvider } from '../../src/providers/akash/akash-provider.js';
import { createNosanaProvider } from '../../src/providers/nosana/nosana-provider.js';
import { createIoNetProvider } from '../../src/providers/ionet/ionet-provider.js';
import { AwsBatchProvider } from '../../src/providers/aws-batch/aws-batch-provider.js';
import { RunPodProvider } from '../../src/providers/runpod/runpod-provider.js';

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

  it('waits on a live market with no price list (mayOfferLater) when nothing fits now; without it the job fails', async () => {
    for (const live of [true, false]) {
      const clock = new ManualClock();
      const p = sim({ name: 'sim-live', runTimeMs: 10_000, catalog: [] }, clock); // no price list, like Vast.ai
      p.offers = async () => []; // every machine rented right now
      if (live) (p as { mayOfferLater?: () => boolean }).mayOfferLater = () => true;
      const s = await startTestSystem({ loops: false, clock, providers: [p] });
      system = s;
      const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-live'], fallback: 'none' } }) });
      await s.queue.pollOnce();
      const job = (await s.store.get(res.body.id as string))!;
      expect(job.status, job.reason).toBe(live ? 'queued' : 'failed');
      expect(job.reason).toContain(live ? 'waiting for capacity' : 'no offer could run the job');
      await s.stop();
      system = undefined;
    }
  });
});

describe('an attempt the provider ends for lack of capacity', () => {
  it('makes the job wait and ask the same offer again, spending no failover budget (AWS Batch CAPACITY:…)', async () => {
    const clock = new ManualClock();
    const p = sim({ name: 'sim-batch', runTimeMs: 10_000 }, clock);
    const status = p.status.bind(p);
    // The first two attempts are cancelled while RUNNABLE: they never get a machine.
    p.status = async (ref) =>
      /-a[12]$/.test(ref.attemptId)
        ? { state: 'lost', providerFault: true, noCapacity: true, message: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY' }
        : status(ref);
    const s = await startTestSystem({ loops: false, clock, providers: [p], dispatch: { maxAttempts: 2 } });
    system = s;
    const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-batch'], fallback: 'none' } }) });
    const id = res.body.id as string;
    await s.queue.pollOnce();
    for (const [n, backoffMs] of [[1, 5_000], [2, 10_000]] as const) {
      await s.reconcile();
      const job = (await s.store.get(id))!;
      expect(job.status, job.reason).toBe('queued');
      expect(job.reason).toBe(`waiting for capacity (next try in ${backoffMs / 1000}s): CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY`);
      expect(job.attempts.at(-1)).toMatchObject({ id: `${id}-a${n}`, status: 'failed', refusedFor: 'capacity' });
      expect(job.capacityWait?.tries).toBe(n);
      clock.advance(backoffMs + 1_000);
      await s.reconcile(); // the backoff is over: enqueued again
      await s.queue.pollOnce();
    }
    // Two capacity refusals and a budget of 2 attempts: the third still runs, on the same offer.
    let job = (await s.store.get(id))!;
    expect(job.attempts.map((a) => a.provider)).toEqual(['sim-batch', 'sim-batch', 'sim-batch']);
    clock.advance(1_000);
    await s.reconcile();
    clock.advance(11_000);
    await s.reconcile();
    job = (await s.store.get(id))!;
    expect(job.status).toBe('succeeded');
  });

  it('does not count such an attempt as a try of the offer: a machine lost before it still gets its second try', async () => {
    const clock = new ManualClock();
    const p = sim({ name: 'sim-batch', runTimeMs: 10_000 }, clock);
    const status = p.status.bind(p);
    p.status = async (ref) =>
      ref.attemptId.endsWith('-a1')
        ? { state: 'lost', providerFault: true, message: 'Host EC2 (instance i-1) terminated.' }
        : ref.attemptId.endsWith('-a2')
          ? { state: 'lost', providerFault: true, noCapacity: true, message: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY' }
          : status(ref);
    const s = await startTestSystem({ loops: false, clock, providers: [p] });
    system = s;
    const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['sim-batch'], fallback: 'none' } }) });
    const id = res.body.id as string;
    await s.queue.pollOnce(); // a1
    await s.reconcile(); // a1 lost: failing over
    await s.queue.pollOnce(); // a2: the second try of the offer
    await s.reconcile(); // a2 never had a machine: waiting for capacity
    expect((await s.store.get(id))!.status).toBe('queued');
    clock.advance(6_000);
    await s.reconcile();
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.status, job.reason).toBe('starting');
    expect(job.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['sim-batch', 'failed'],
      ['sim-batch', 'failed'],
      ['sim-batch', 'starting'],
    ]);
  });

  it('counts the wait from the first capacity refusal and gives up after maxQueueSeconds', () => {
    const attempt = (n: number, at: string, refused: boolean) =>
      ({ id: `j-a${n}`, provider: 'p', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'failed', createdAt: at, ...(refused ? { refusedFor: 'capacity' } : {}) }) as Attempt;
    const a1 = attempt(1, '2026-01-01T00:00:00.000Z', true);
    const a2 = attempt(2, '2026-01-01T01:00:00.000Z', false);
    const a3 = attempt(3, '2026-01-01T02:00:00.000Z', false);
    const job = { spec: { maxQueueSeconds: 3 * 3600 }, attempts: [a1, a2, a3] } as unknown as Job;
    expect(capacityWaitAfter(job, a3, new Date('2026-01-01T02:10:00Z'))).toEqual({ since: a1.createdAt, tries: 2 });
    expect(capacityWaitAfter(job, a3, new Date('2026-01-01T03:00:00Z'))).toBeUndefined();
  });
});

describe('live markets say what they may sell later', () => {
  it('Vast.ai: any GPU family it names; Akash and Nosana: not for a job with regions; io.net: any', () => {
    const gpu = (models: string[]) => ({ models, count: 1 });
    const vast = createVastProvider({ apiKey: 'k' });
    expect(vast.mayOfferLater({ gpu: gpu(['H100']) })).toBe(true);
    expect(vast.mayOfferLater({ gpu: gpu(['NOT-A-GPU']) })).toBe(false);
    const akash = createAkashProvider({ apiKey: 'k' });
    expect(akash.mayOfferLater({ regions: ['us-east'] })).toBe(false);
    expect(akash.mayOfferLater({})).toBe(true);
    const nosana = createNosanaProvider({ apiKey: 'k' } as Parameters<typeof createNosanaProvider>[0]);
    expect(nosana.mayOfferLater({ regions: ['EU'] })).toBe(false);
    expect(createIoNetProvider({ apiKey: 'k' } as Parameters<typeof createIoNetProvider>[0]).mayOfferLater()).toBe(true);
    // Clouds sell from a catalogue and declare nothing: capacity-wait.ts reads the catalogue.
    expect('mayOfferLater' in AwsBatchProvider.prototype).toBe(false);
    expect('mayOfferLater' in RunPodProvider.prototype).toBe(false);
  });
});
