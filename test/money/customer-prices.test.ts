// One money convention: customers see their own price (margin or rate card applied) in
// integer micro-dollars on attempts, in the timeline and in the provider listing; the
// provider's cost, and so the margin, appears nowhere in what they read.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { centsToMicroUsd } from '../../src/api/micro-usd-view.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** Every key ending in Usd (a dollar amount) that is not µUSD, outside the job spec's own inputs. */
const dollarKeys = (value: unknown, path = ''): string[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => dollarKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'spec' ? [] : [...(/Usd$/.test(k) && !/MicroUsd$/.test(k) ? [`${path}.${k}`] : []), ...dollarKeys(v, `${path}.${k}`)],
  );
};

describe('customer prices', () => {
  it('shows the tenant its own price per GPU-hour in µUSD, never the provider cost', async () => {
    const clock = new ManualClock();
    const s = (system = await startTestSystem({
      loops: false,
      clock,
      money: {},
      providers: [sim({ name: 'sim-priced', runTimeMs: 60_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock)],
    }));
    const admin = { url: s.url, apiKey: s.adminKey };
    const terms = await api(admin, 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'invoice', monthlyBudgetMicroUsd: 100_000_000, pricing: { marginBps: 2000 } } });
    expect(terms.body).toMatchObject({ mode: 'invoice' });

    const listing = (await api(s, 'GET', '/v1/providers')).body;
    const h100 = listing.items.find((p: { name: string }) => p.name === 'sim-priced').gpus.find((g: { model: string }) => g.model === 'H100');
    expect(h100).toMatchObject({ minPricePerGpuHourMicroUsd: 2_400_000, maxPricePerGpuHourMicroUsd: 2_400_000 }); // $2 + 20 %
    expect(dollarKeys(listing)).toEqual([]);

    const id = (await api(s, 'POST', '/v1/jobs', { body: simJob({ maxPricePerGpuHourUsd: 5 }) })).body.id;
    await s.queue.pollOnce();
    await s.reconcile();
    const job = (await api(s, 'GET', `/v1/jobs/${id}`)).body;
    expect(job.attempts[0].pricePerGpuHourMicroUsd).toBe(2_400_000);
    expect(dollarKeys(job)).toEqual([]);
    const events = (await api(s, 'GET', `/v1/jobs/${id}/events`)).body.items;
    const launch = events.find((e: { reason?: string }) => e.reason?.startsWith('launching on'));
    expect(launch.reason).toContain('$2.4000/GPU-hour');
    expect(JSON.stringify(events)).not.toMatch(/\$2(\.0+)?\//);

    // The operator sees both sides; the tenant's own key may not.
    expect((await api(s, 'GET', `/v1/admin/jobs/${id}`)).status).toBe(403);
    const adminView = (await api(admin, 'GET', `/v1/admin/jobs/${id}`)).body;
    expect(adminView.tenantId).toBe(s.tenantId);
    expect(adminView.economics).toEqual([
      { attemptId: job.attempts[0].id, provider: 'sim-priced', gpuModel: 'H100', providerPricePerGpuHourMicroUsd: 2_000_000, customerPricePerGpuHourMicroUsd: 2_400_000, marginPerGpuHourMicroUsd: 400_000 },
    ]);
    expect((await api(admin, 'GET', '/v1/admin/jobs/job_nope')).status).toBe(404);

    // A rate card overrides the margin for its model, in the listing at once.
    await api(admin, 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'invoice', monthlyBudgetMicroUsd: 100_000_000, pricing: { rateCard: { H100: 3_100_000 } } } });
    const after = (await api(s, 'GET', '/v1/providers')).body.items.find((p: { name: string }) => p.name === 'sim-priced');
    expect(after.gpus[0].minPricePerGpuHourMicroUsd).toBe(3_100_000);
  });

  it('turns every cents field of a view into µUSD, at any depth', () => {
    expect(centsToMicroUsd({ totalCents: 38, invoice: { amountDueCents: 38, lines: [{ amountCents: 12, description: 'x' }] }, lines: 3 })).toEqual({
      totalMicroUsd: 380_000,
      invoice: { amountDueMicroUsd: 380_000, lines: [{ amountMicroUsd: 120_000, description: 'x' }] },
      lines: 3,
    });
  });
});
