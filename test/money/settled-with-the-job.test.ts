// Money final with the job: the write that ends a job also settles it, so the first read that
// shows a terminal status already carries costMicroUsd, and the ledger's charge agrees then.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { settleId } from '../../src/money/accounting.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';
import { expectMoneyInvariants } from './invariants-helper.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const start = async (clock: ManualClock) => {
  const s = (system = await startTestSystem({ loops: false, clock, providers: [sim({ name: 'sim-final', runTimeMs: 60_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock)] }));
  await api({ url: s.url, apiKey: s.adminKey }, 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'invoice', monthlyBudgetMicroUsd: 100_000_000 } });
  return s;
};

const charged = async (s: RunningSystem, jobId: string) => Number((await s.money.ledger.getPosting(settleId(jobId)))?.details?.customerMicroUsd);

describe('settled with the job', () => {
  it('carries the cost in the same write as succeeded, and the ledger agrees at that instant', async () => {
    const clock = new ManualClock();
    const s = await start(clock);
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    await s.reconcile(); // running
    clock.advance(60_000);
    await s.reconcile(); // the pass that sees the end — and no further pass
    const job = (await api(s, 'GET', `/v1/jobs/${id}`)).body;
    expect(job.status).toBe('succeeded');
    expect(job.costMicroUsd).toBe(38_333); // 60 s × $2/h × 1.15
    expect(await charged(s, id)).toBe(job.costMicroUsd);
    await s.reconcile(); // nothing left to do: charged once
    expect((await api(s, 'GET', '/v1/ledger')).body.items.filter((p: { kind: string }) => p.kind === 'job.settle')).toHaveLength(1);
    await expectMoneyInvariants(s, [id]);
  });

  it('answers a cancel of a running job with its cost, billed up to the cancel', async () => {
    const clock = new ManualClock();
    const s = await start(clock);
    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob() })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    clock.advance(30_000);
    const cancelled = (await api(s, 'POST', `/v1/jobs/${id}/cancel`)).body;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.costMicroUsd).toBe(19_167); // 30 s × $2/h × 1.15
    expect(await charged(s, id)).toBe(19_167);
    clock.advance(5_000); // the stop at the provider lands later; the bill does not move
    await s.queue.pollOnce();
    await s.reconcile();
    const after = (await api(s, 'GET', `/v1/jobs/${id}`)).body;
    expect(after.attempts[0].status).toBe('cancelled');
    expect(after.costMicroUsd).toBe(19_167);
    await expectMoneyInvariants(s, [id]);
  });

  it('settles a job the dispatcher fails (no offer) in the failing write', async () => {
    const clock = new ManualClock();
    const s = await start(clock);
    const submitted = await api(s, 'POST', '/v1/jobs', { body: simJob({ maxPricePerGpuHourUsd: 1 }) }); // under every offer's price
    expect(submitted.status).toBe(202);
    const id = submitted.body.id;
    await s.queue.pollOnce();
    const job = (await api(s, 'GET', `/v1/jobs/${id}`)).body;
    expect(job.status).toBe('failed');
    expect(job.costMicroUsd).toBe(0);
    expect(await charged(s, id)).toBe(0);
    await expectMoneyInvariants(s, [id]);
  });
});
