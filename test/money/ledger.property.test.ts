// Property tests of the ledger on DynamoDB Local: any mix of deposits, submits, settles
// and repeats of each keeps the books balanced, never overdraws a prepaid tenant, charges
// every job exactly its metered usage, and releases every hold.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobSpec } from '../../src/core/job.js';
import { LedgerAccounting, settleId } from '../../src/money/accounting.js';
import { PaymentRequiredError } from '../../src/money/errors.js';
import { balanceViolations, jobChargeViolations, trialBalance } from '../../src/money/invariants.js';
import { accounts, normalBalance, type Posting } from '../../src/money/ledger.js';
import { meterJob } from '../../src/money/metering.js';
import { depositPosting } from '../../src/money/postings.js';
import { DEFAULT_PRICING } from '../../src/money/pricing.js';
import { moneyTable, setTerms } from '../support/fakes/ledger-table.js';

let table: Awaited<ReturnType<typeof moneyTable>>;
beforeAll(async () => {
  table = await moneyTable();
});
afterAll(() => table.close());

const clock = { now: () => new Date('2026-03-10T12:00:00Z') };

const specOf = (d: { seconds: number; ceilingCents: number; gpus: number }): JobSpec => ({
  image: 'x',
  command: ['x'],
  resources: { gpu: { models: ['H100'], count: d.gpus } },
  maxDurationSeconds: d.seconds,
  maxPricePerGpuHourUsd: d.ceilingCents / 100,
  placement: { strategy: 'cheapest', fallback: 'cloud' },
});

/** A finished job: one failed-over attempt (network's fault) and a final one in `status`. */
const finished = (job: Job, run: { lostSeconds: number; seconds: number; priceCents: number; status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled' }): Job => {
  const start = Date.parse(job.createdAt);
  const at = (s: number) => new Date(start + s * 1000).toISOString();
  const price = run.priceCents / 100;
  return {
    ...job,
    status: run.status,
    reason: run.status === 'failed' ? 'the command exited with code 1' : run.status,
    attempts: [
      { id: `${job.id}-a1`, provider: 'net-a', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: price / 2, status: 'failed', createdAt: at(0), startedAt: at(0), endedAt: at(run.lostSeconds), reason: 'lost' },
      {
        id: `${job.id}-a2`, provider: 'net-b', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: price, status: run.status, createdAt: at(run.lostSeconds),
        startedAt: at(run.lostSeconds), endedAt: at(run.lostSeconds + run.seconds), ...(run.status === 'failed' ? { exitCode: 1, reason: 'the command exited with code 1' } : {}),
      },
    ],
  };
};

const op = fc.oneof(
  fc.record({ type: fc.constant('deposit' as const), tenant: fc.nat(1), tx: fc.nat(5), cents: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({
    type: fc.constant('job' as const),
    tenant: fc.nat(1),
    seconds: fc.integer({ min: 1, max: 20_000 }),
    ceilingCents: fc.integer({ min: 1, max: 900 }),
    gpus: fc.integer({ min: 1, max: 8 }),
    run: fc.record({
      lostSeconds: fc.nat(5_000),
      seconds: fc.nat(25_000),
      priceCents: fc.integer({ min: 1, max: 900 }),
      status: fc.constantFrom('succeeded' as const, 'failed' as const, 'timed_out' as const, 'cancelled' as const),
    }),
    settleTwice: fc.boolean(),
  }),
);

let runNo = 0;

describe('ledger properties', () => {
  it('stays balanced, never overdraws, charges exactly the metered usage, releases every hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40_000_000 }), async (ops, budget) => {
        runNo++;
        const tenants = [`p${runNo}`, `i${runNo}`]; // prepaid, invoice (with a budget)
        await setTerms(table.billing, tenants[0]!, { mode: 'prepaid' });
        await setTerms(table.billing, tenants[1]!, { mode: 'invoice', monthlyBudgetMicroUsd: budget });
        const accounting = new LedgerAccounting({ ledger: table.ledger, billing: table.billing, clock, pricing: DEFAULT_PRICING });
        const deposited = [0, 0];
        const seenTx = new Set<string>();
        const jobs: Job[] = [];
        for (const [i, o] of ops.entries()) {
          if (o.type === 'deposit') {
            const tx = `run${runNo}-tx${o.tx}`;
            const posted = await table.ledger.post(depositPosting({ tenantId: tenants[o.tenant]!, chain: 'base', tx, amountMicroUsd: o.cents * 10_000, at: clock.now().toISOString(), payer: '0xabc' }));
            expect(posted).toBe(!seenTx.has(tx)); // the same transaction is credited once
            if (posted) deposited[o.tenant]! += o.cents * 10_000;
            seenTx.add(tx);
            continue;
          }
          const tenantId = tenants[o.tenant]!;
          const job: Job = { id: `job_${runNo}_${i}`, tenantId, status: 'queued', version: 1, spec: specOf(o), attempts: [], createdAt: clock.now().toISOString(), updatedAt: clock.now().toISOString(), eventSeq: 1 };
          try {
            await accounting.admit(tenantId, job.spec);
            await accounting.hold(job);
            await accounting.hold(job); // a retried hold changes nothing
          } catch (error) {
            expect(error).toBeInstanceOf(PaymentRequiredError);
            continue;
          }
          const done = finished(job, o.run);
          const first = await accounting.settle(done);
          if (o.settleTwice) expect(await accounting.settle(done)).toEqual(first);
          jobs.push({ ...done, settledAt: clock.now().toISOString(), costMicroUsd: first.costMicroUsd });
        }
        const balances = await table.ledger.allBalances();
        expect(trialBalance(balances)).toBe(0);
        expect(balanceViolations(balances, (t) => (t.startsWith('p') ? 'prepaid' : 'invoice'))).toEqual([]);
        const settlements = new Map<string, Posting>();
        for (const job of jobs) settlements.set(job.id, (await table.ledger.getPosting(settleId(job.id)))!);
        expect(jobChargeViolations(jobs, settlements, DEFAULT_PRICING, () => ({}))).toEqual([]);
        const mine = await table.ledger.balances(tenants.flatMap((t) => [accounts.available(t), accounts.holds(t)]));
        const charged = (t: string) => jobs.filter((j) => j.tenantId === t).reduce((s, j) => s + meterJob(j, DEFAULT_PRICING, {}).customerMicroUsd, 0);
        expect(normalBalance(accounts.holds(tenants[0]!), mine[accounts.holds(tenants[0]!)]!)).toBe(0);
        expect(normalBalance(accounts.available(tenants[0]!), mine[accounts.available(tenants[0]!)]!)).toBe(deposited[0]! - charged(tenants[0]!));
        // Once every job is settled the month's committed spend is exactly what was charged, within budget.
        const committed = await table.ledger.budgetCommitted(tenants[1]!, '2026-03');
        expect(committed).toBe(charged(tenants[1]!));
        expect(committed).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('refuses an unbalanced posting and writes nothing', async () => {
    const before = trialBalance(await table.ledger.allBalances());
    await expect(
      table.ledger.post({ id: 'bad', kind: 'usdc.deposit', at: clock.now().toISOString(), memo: 'x', entries: [{ account: accounts.usdcTreasury('base'), amountMicroUsd: 5 }] }),
    ).rejects.toThrow(/sum to 5/);
    expect(await table.ledger.getPosting('bad')).toBeUndefined();
    expect(trialBalance(await table.ledger.allBalances())).toBe(before);
  });
});
