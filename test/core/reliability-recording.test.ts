// Which attempt endings the dispatcher and reconciler count for or against a provider.
import { describe, expect, it } from 'vitest';
import { dispatchJob } from '../../src/core/dispatch.js';
import { cancelJob, submitJob } from '../../src/core/jobs-service.js';
import type { JobSpec } from '../../src/core/job.js';
import { ProviderError, registryOf, type ProviderStatus } from '../../src/core/provider.js';
import { reconcileOnce, type ReconcileDeps } from '../../src/core/reconcile.js';
import { InMemoryProviderStats } from '../../src/core/reliability-store.js';
import { ManualClock, sim } from '../support/sim.js';
import { MemoryJobStore, MemoryQueue } from './placement-harness.js';

const spec: JobSpec = {
  image: 'img',
  command: ['run'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 3600,
  maxPricePerGpuHourUsd: 10,
  placement: { strategy: 'cheapest', fallback: 'none' },
};

const setup = (status: () => Promise<ProviderStatus>, refuse = false) => {
  const clock = new ManualClock();
  const p = sim({ name: 'sim-p', refuseRate: refuse ? 1 : 0 }, clock);
  p.status = status;
  const stats = new InMemoryProviderStats();
  const deps: ReconcileDeps = {
    store: new MemoryJobStore(),
    queue: new MemoryQueue(),
    providers: registryOf([p]),
    clock,
    stats,
    config: { leaseSeconds: 120, maxAttempts: 6 },
    reconcile: { requeueAfterSeconds: 30, startDeadlineSeconds: 60, batchSize: 10 },
  };
  const counts = async () => {
    const m = (await stats.getMany(['sim-p'])).get('sim-p')?.models.H100;
    return { ok: m?.successes ?? 0, bad: m?.failures ?? 0 };
  };
  return { deps, clock, counts };
};

const runOne = async (deps: ReconcileDeps) => {
  const { job } = await submitJob(deps, 't', spec);
  await dispatchJob(deps, job.id);
  return job.id;
};

describe('recording attempt outcomes', () => {
  it('a command that exits non-zero does not count against the provider', async () => {
    const { deps, counts } = setup(async () => ({ state: 'failed', exitCode: 2 }));
    await runOne(deps);
    await reconcileOnce(deps);
    expect(await counts()).toEqual({ ok: 1, bad: 0 });
  });

  it('a lost machine, a refused launch and a missed start deadline count against it, each once', async () => {
    const lost = setup(async () => ({ state: 'lost', providerFault: true }));
    await runOne(lost.deps);
    await reconcileOnce(lost.deps);
    await reconcileOnce(lost.deps);
    expect(await lost.counts()).toEqual({ ok: 0, bad: 1 });

    const refused = setup(async () => ({ state: 'pending' }), true);
    await runOne(refused.deps);
    expect(await refused.counts()).toEqual({ ok: 0, bad: 1 });

    const stuck = setup(async () => ({ state: 'pending' }));
    await runOne(stuck.deps);
    await reconcileOnce(stuck.deps);
    expect(await stuck.counts()).toEqual({ ok: 0, bad: 0 }); // still within the deadline
    stuck.clock.advance(61_000);
    await reconcileOnce(stuck.deps);
    expect(await stuck.counts()).toEqual({ ok: 0, bad: 1 });
  });

  it('a customer cancel counts neither way, and a stats outage never blocks the job', async () => {
    const { deps, counts } = setup(async () => ({ state: 'running' }));
    const id = await runOne(deps);
    await cancelJob(deps, 't', id);
    await dispatchJob(deps, id); // stops the attempt
    await reconcileOnce(deps);
    expect(await counts()).toEqual({ ok: 0, bad: 0 });

    const broken = setup(async () => ({ state: 'succeeded', exitCode: 0 }));
    broken.deps.stats!.record = async () => {
      throw new ProviderError('transient', 'stats table throttled');
    };
    broken.deps.stats!.getMany = async () => {
      throw new Error('stats table throttled');
    };
    const jobId = await runOne(broken.deps);
    await reconcileOnce(broken.deps);
    expect((await broken.deps.store.get(jobId))!.status).toBe('succeeded');
  });
});
