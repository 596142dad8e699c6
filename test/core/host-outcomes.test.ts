// Per-host learning through the job path, on DynamoDB Local: an attempt keeps the machine its
// offer named (Offer.hostId), its loss is counted for that host as well as for the network,
// and the next job on the same network avoids the machine that lost it for a nearly as
// cheap one; the host id stays internal (not in the job's API view).
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import type { AttemptRef, Offer, OfferQuery, ProviderStatus } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { CountingSim, ManualClock, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** A network of two machines: m1 a little cheaper, and it loses every machine after 10 minutes of running. */
class TwoHosts extends CountingSim {
  private readonly launched = new Map<string, { host: string; at: number }>();
  constructor(private readonly manual: ManualClock) {
    super({ name: 'hosts', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }], startDelayMs: 0, runTimeMs: 3_600_000, failureRate: 0, seed: 1 }, manual);
  }
  override async offers(query: OfferQuery): Promise<Offer[]> {
    const [base] = await super.offers(query);
    return [
      { ...base!, offerId: 'hosts-m1', hostId: 'm1', hostReliability: 0.99, pricePerGpuHourUsd: 2.0 },
      { ...base!, offerId: 'hosts-m2', hostId: 'm2', hostReliability: 0.99, pricePerGpuHourUsd: 2.04 },
    ];
  }
  override async launch(request: Parameters<CountingSim['launch']>[0]) {
    this.launched.set(request.attemptId, { host: request.offer.hostId!, at: this.manual.now().getTime() });
    return super.launch(request);
  }
  override async status(ref: AttemptRef): Promise<ProviderStatus> {
    const status = await super.status(ref);
    const run = this.launched.get(ref.attemptId);
    if (run?.host === 'm1' && status.state === 'running' && this.manual.now().getTime() - run.at >= 600_000) {
      return { state: 'lost', providerFault: true, message: 'm1 went away' };
    }
    return status;
  }
}

const submit = async (s: RunningSystem): Promise<string> => {
  const res = await api(s, 'POST', '/v1/jobs', { body: simJob({ maxDurationSeconds: 7200, placement: { strategy: 'cheapest', networks: ['hosts'], fallback: 'none' } }) });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

describe('per-host outcomes', () => {
  it('a machine that lost a job is avoided for a nearly as cheap one on the same network; the host id stays internal', async () => {
    const clock = new ManualClock();
    const hosts = new TwoHosts(clock);
    const s = await startTestSystem({ loops: false, clock, providers: [hosts] });
    system = s;
    const first = await submit(s);
    await s.queue.pollOnce();
    await s.reconcile(); // running on m1 (the cheaper)
    let job = (await s.store.get(first))!;
    expect(job.attempts.map((a) => [a.offerId, a.hostId, a.status])).toEqual([['hosts-m1', 'm1', 'running']]);
    expect((await api(s, 'GET', `/v1/jobs/${first}`)).body.attempts[0]).not.toHaveProperty('hostId');

    clock.advance(660_000);
    await s.reconcile(); // m1 loses it: failover
    await s.queue.pollOnce();
    job = (await s.store.get(first))!;
    expect(job.attempts.map((a) => [a.hostId, a.status])).toEqual([['m1', 'failed'], ['m2', 'starting']]);
    const stats = (await s.deps.stats!.getMany(['hosts'])).get('hosts');
    expect(stats?.hosts?.m1?.lost).toBeCloseTo(1, 3);

    const second = await submit(s);
    await s.queue.pollOnce();
    const next = (await s.store.get(second))!;
    expect(next.attempts.map((a) => a.hostId)).toEqual(['m2']);
  });
});
