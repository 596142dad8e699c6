// The money invariants, checked against a running system at the end of integration tests.
import { expect } from 'vitest';
import { settleId } from '../../src/money/accounting.js';
import { balanceViolations, jobChargeViolations, trialBalance } from '../../src/money/invariants.js';
import { tenantOfAccount, type Posting } from '../../src/money/ledger.js';
import type { RunningSystem } from '../../src/local/system.js';

export const expectMoneyInvariants = async (s: RunningSystem, jobIds: string[]): Promise<void> => {
  const { ledger, billing, pricing } = s.money;
  const balances = await ledger.allBalances();
  expect(trialBalance(balances)).toBe(0);
  const tenants = [...new Set(Object.keys(balances).flatMap((a) => tenantOfAccount(a) ?? []))];
  const accounts = new Map(await Promise.all(tenants.map(async (t) => [t, await billing.get(t)] as const)));
  expect(balanceViolations(balances, (t) => accounts.get(t)?.mode ?? 'invoice')).toEqual([]);
  const jobs = (await Promise.all(jobIds.map((id) => s.store.get(id)))).flatMap((j) => (j ? [j] : []));
  const settlements = new Map<string, Posting>();
  for (const job of jobs) {
    const posting = await ledger.getPosting(settleId(job.id));
    if (posting) settlements.set(job.id, posting);
  }
  expect(jobChargeViolations(jobs, settlements, pricing, (t) => accounts.get(t)?.pricing ?? {})).toEqual([]);
};
