// The job path's business metrics, as the Lambdas publish them: a job that fails over once and
// succeeds, through the real store on DynamoDB Local, counted by MeteredJobStore and written
// as CloudWatch EMF by Powertools Metrics (captured from stdout).
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { powertoolsJobMetrics, withMetrics } from '../../src/aws/metrics.js';
import { ManualClock, sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await system?.stop();
  system = undefined;
});

/** Sums of each metric over every EMF document printed to stdout while `run` ran. */
const emfTotals = async (run: () => Promise<void>): Promise<{ totals: Record<string, number>; namespaces: string[] }> => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (String(chunk).includes('"_aws"')) lines.push(String(chunk));
    else return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    return true;
  });
  await run();
  const totals: Record<string, number> = {};
  const namespaces: string[] = [];
  for (const doc of lines.map((l) => JSON.parse(l))) {
    for (const directive of doc._aws.CloudWatchMetrics) {
      namespaces.push(directive.Namespace);
      for (const { Name } of directive.Metrics) {
        const value = doc[Name];
        totals[Name] = (totals[Name] ?? 0) + (Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : value);
      }
    }
  }
  return { totals, namespaces };
};

describe('job metrics', () => {
  it('counts submitted, placed, failed over and succeeded once each as written, and the dispatch latency', async () => {
    const clock = new ManualClock();
    const metrics = new Metrics({ namespace: 'SwitchyardTest', serviceName: 'switchyard-test' });
    const flaky = sim({ name: 'sim-flaky', failureRate: 1, runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }] }, clock);
    const steady = sim({ name: 'sim-steady', runTimeMs: 10_000, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }] }, clock);
    const s = (system = await startTestSystem({ loops: false, clock, providers: [flaky, steady], jobMetrics: powertoolsJobMetrics(metrics) }));
    await api({ url: s.url, apiKey: s.adminKey }, 'PUT', `/v1/admin/billing/tenants/${s.tenantId}`, { body: { mode: 'invoice', monthlyBudgetMicroUsd: 100_000_000 } });

    const { totals, namespaces } = await emfTotals(async () => {
      await withMetrics(async () => {
        const submitted = await api(s, 'POST', '/v1/jobs', { body: simJob(), headers: { 'idempotency-key': 'metrics-1' } });
        expect(submitted.status).toBe(202);
        // A replay of the same submit writes nothing new, so it counts nothing.
        expect((await api(s, 'POST', '/v1/jobs', { body: simJob(), headers: { 'idempotency-key': 'metrics-1' } })).body.id).toBe(submitted.body.id);
        clock.advance(1_500);
        await s.queue.pollOnce();
        await s.reconcile(); // running on sim-flaky
        clock.advance(6_000);
        await s.reconcile(); // lost → failover to sim-steady
        await s.queue.pollOnce();
        await s.reconcile();
        clock.advance(11_000);
        await s.reconcile();
        await s.reconcile();
        expect((await api(s, 'GET', `/v1/jobs/${submitted.body.id}`)).body.status).toBe('succeeded');
      }, metrics)();
    });

    expect(namespaces.every((n) => n === 'SwitchyardTest')).toBe(true);
    expect(totals).toMatchObject({ JobsSubmitted: 1, JobsPlaced: 2, JobsFailedOver: 1, JobsSucceeded: 1, DispatchLatency: 1_500 });
    expect(totals.JobsFailed).toBeUndefined();
  });
});
