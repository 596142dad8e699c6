// Local mode is its own one dispatcher, so what the process killed mid-dispatch held died
// with it: after a restart on the same table a job it had claimed is placed at once (not after
// its 120 s lease), and a launch it left without a handle is failed over at once (not after the
// lease). Where other dispatchers may be alive (AWS: soleDispatcherSince unset), both wait.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { JobChange } from '../../src/core/transitions.js';
import type { Job } from '../../src/core/job.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let systems: RunningSystem[] = [];
afterEach(async () => {
  for (const s of systems) await s.stop();
  systems = [];
});

const newKey = () => `sy_live_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;

const boot = async (clock: ManualClock, tableName: string, apiKey: string, sole: boolean) => {
  const s = await startTestSystem({
    loops: false,
    clock,
    providers: [sim({ name: 'sim-a', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock), sim({ name: 'sim-b', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock)],
    tableName,
    apiKey,
    tenantId: 'tenant-l',
    // AWS-like: leave the lease to run out, as when another invocation may hold it.
    ...(sole ? {} : { dispatch: { soleDispatcherSince: undefined } }),
  });
  systems.push(s);
  return s;
};

/** What a dispatcher killed mid-way leaves: the claim (a 120 s lease), and maybe a launch without a handle. */
const dieMidDispatch = async (s: RunningSystem, clock: ManualClock, jobId: string, withLaunch: boolean) => {
  const job = (await s.store.get(jobId))!;
  const at = clock.now().toISOString();
  const change = new JobChange(job, at).status('placing', 'looking for an offer').lease(new Date(clock.now().getTime() + 120_000).toISOString());
  if (withLaunch) {
    // As the dispatcher records it before it calls the provider (and was killed before the answer).
    change.addAttempt({ id: `${jobId}-a1`, provider: 'sim-a', offerId: 'sim-a-H100', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'launching', createdAt: at }, 'launching on sim-a').status('starting', 'placed on sim-a');
  }
  await s.store.write(change.build());
};

const scenario = async (sole: boolean, withLaunch: boolean): Promise<Job & { simAFailures: number }> => {
  const clock = new ManualClock();
  const table = `t_${randomBytes(6).toString('hex')}`;
  const key = newKey();
  const first = await boot(clock, table, key, true);
  const res = await api(first, 'POST', '/v1/jobs', { body: simJob() });
  expect(res.status).toBe(202);
  const id = res.body.id as string;
  await dieMidDispatch(first, clock, id, withLaunch);
  await first.stop();
  systems = [];

  clock.advance(5_000); // restarted 5 s later: the lease has 115 s left
  const second = await boot(clock, table, key, sole);
  await second.reconcile();
  await second.queue.pollOnce();
  const stats = (await second.deps.stats!.getMany(['sim-a'])).get('sim-a');
  return { ...(await second.store.get(id))!, simAFailures: stats?.models.H100?.failures ?? 0 };
};

describe('a restart voids what the killed dispatcher held', () => {
  it('places a job whose claim died with the process at once', async () => {
    const job = await scenario(true, false);
    expect(job.status).toBe('starting');
    expect(job.attempts.map((a) => a.status)).toEqual(['starting']);
  });

  it('fails a launch left without a handle over at once, not counted against the provider', async () => {
    const job = await scenario(true, true);
    expect(job.status, JSON.stringify(job)).toBe('starting');
    expect(job.attempts[0]).toMatchObject({ id: `${job.id}-a1`, status: 'failed', lostBy: 'provider' });
    expect(job.attempts[1]).toMatchObject({ provider: 'sim-b', status: 'starting' });
    expect(job.simAFailures).toBe(0);
  });

  it('keeps the lease where another dispatcher may hold it', async () => {
    const claimed = await scenario(false, false);
    expect(claimed.status).toBe('placing');
    expect(claimed.attempts).toEqual([]);
    const launching = await scenario(false, true);
    expect(launching.attempts.map((a) => a.status)).toEqual(['launching']);
  });
});
