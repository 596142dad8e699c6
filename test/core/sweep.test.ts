// The orphan sweep: resources Switchyard launched that no live attempt owns are stopped;
// everything else is left alone.
import { afterEach, describe, expect, it } from 'vitest';
import { jobIdOfAttempt, sweepOrphans } from '../../src/core/sweep.js';
import type { RunningSystem, SystemOptions } from '../../src/local/system.js';
import { ProviderError } from '../../src/core/provider.js';
import { api, startTestSystem } from '../support/system.js';
import { ManualClock, sim, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const start = async (options: SystemOptions) => {
  system = await startTestSystem({ loops: false, ...options });
  return system;
};

const launchDirect = (p: ReturnType<typeof sim>, attemptId: string) =>
  p.launch({
    attemptId,
    jobId: jobIdOfAttempt(attemptId) ?? 'none',
    offer: { provider: p.name, offerId: 'x', gpuModel: 'H100', gpuCount: 1, vramGb: 80, pricePerGpuHourUsd: 1, expectedStartSeconds: 0 },
    image: 'img',
    command: ['run'],
    env: {},
    maxDurationSeconds: 3600,
  });

describe('orphan sweep', () => {
  it('reads the job id out of an attempt id', () => {
    expect(jobIdOfAttempt('job_abc-a3')).toBe('job_abc');
    expect(jobIdOfAttempt('job-with-dashes-a12')).toBe('job-with-dashes');
    expect(jobIdOfAttempt('not-an-attempt')).toBeUndefined();
  });

  it('stops a machine whose launch answer was lost, and keeps the live attempt that replaced it', async () => {
    const clock = new ManualClock();
    // The first network starts the machine but the answer never reaches us: the dispatcher
    // records a failed launch and moves on, while the machine keeps running (and billing).
    const ghost = sim({ name: 'sim-ghost', runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const realLaunch = ghost.launch.bind(ghost);
    ghost.launch = async (req) => {
      await realLaunch(req);
      throw new ProviderError('transient', 'socket hang up');
    };
    const steady = sim({ name: 'sim-steady', runTimeMs: 3_600_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
    const s = await start({ clock, providers: [ghost, steady] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    const job = (await s.store.get(id))!;
    expect(job.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['sim-ghost', 'failed'],
      ['sim-steady', 'starting'],
    ]);
    expect(ghost.liveAttemptIds()).toEqual([`${id}-a1`]); // the leak

    const summary = await sweepOrphans(s.deps);
    expect(summary).toMatchObject({ listed: 2, stopped: 1, foreign: 0, errors: 0 });
    expect(ghost.cancels).toEqual([`${id}-a1`]);
    expect(ghost.liveAttemptIds()).toEqual([]);
    expect(steady.cancels).toEqual([]);
    expect(steady.liveAttemptIds()).toEqual([`${id}-a2`]);
  });

  it('stops a machine still running for a job that has ended, and leaves unknown resources alone', async () => {
    const clock = new ManualClock();
    const spot = sim({ name: 'sim-spot', runTimeMs: 3_600_000 }, clock);
    const s = await start({ clock, providers: [spot] });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    // The customer cancels, and the stop at the provider fails (the provider is down).
    const realCancel = spot.cancel.bind(spot);
    spot.cancel = async () => {
      throw new ProviderError('transient', '502 bad gateway');
    };
    expect((await api(s, 'POST', `/v1/jobs/${id}/cancel`)).status).toBeLessThan(300);
    await s.queue.pollOnce().catch(() => undefined);
    expect(spot.liveAttemptIds()).toEqual([`${id}-a1`]);
    await launchDirect(spot, 'job_from_another_deployment-a1');

    // The provider comes back; the sweep stops what the cancelled job still holds.
    spot.cancel = realCancel;
    const summary = await sweepOrphans(s.deps);
    expect(summary).toMatchObject({ listed: 2, stopped: 1, foreign: 1, errors: 0 });
    expect(spot.liveAttemptIds()).toEqual(['job_from_another_deployment-a1']);
    expect((await s.store.get(id))!.status).toBe('cancelled');
  });

  it('keeps sweeping the other providers when one cannot list, and skips providers that cannot list at all', async () => {
    const clock = new ManualClock();
    const down = sim({ name: 'sim-down' }, clock);
    down.listOwned = async () => {
      throw new ProviderError('transient', 'timeout');
    };
    const up = sim({ name: 'sim-up' }, clock);
    const blind = sim({ name: 'sim-blind' }, clock);
    Object.defineProperty(blind, 'listOwned', { value: undefined });
    const s = await start({ clock, providers: [down, up, blind] });
    await launchDirect(up, 'job_gone-a1');
    await launchDirect(blind, 'job_gone-a2');
    const summary = await sweepOrphans(s.deps);
    expect(summary).toMatchObject({ listed: 1, stopped: 0, foreign: 1, errors: 1 });
  });

  it('runs from the reconciler on its own cadence', async () => {
    const clock = new ManualClock();
    const spot = sim({ name: 'sim-spot', runTimeMs: 3_600_000 }, clock);
    const s = await start({ clock, providers: [spot], reconcile: { sweepIntervalSeconds: 300 } });
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await launchDirect(spot, `${id}-a7`); // no such attempt on the job: nobody owns it
    const first = await s.reconcile();
    expect(first.sweep).toMatchObject({ listed: 1, stopped: 1 });
    await launchDirect(spot, `${id}-a8`);
    clock.advance(60_000);
    expect((await s.reconcile()).sweep).toBeUndefined();
    expect(spot.liveAttemptIds()).toEqual([`${id}-a8`]);
    clock.advance(300_000);
    expect((await s.reconcile()).sweep).toMatchObject({ stopped: 1 });
    expect(spot.liveAttemptIds()).toEqual([]);
  });
});
