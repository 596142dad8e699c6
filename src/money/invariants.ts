// The ledger's invariants, checked by property tests, at the end of integration tests,
// and by the admin trial balance: postings sum to zero (so all balances sum to zero), no
// balance is negative unless the tenant is billed by invoice, and every settled job's
// charge equals its metered usage.
import type { Job } from '../core/job.js';
import type { BillingMode } from './billing-account.js';
import { accountKind, normalBalance, tenantOfAccount, type Posting } from './ledger.js';
import { meterJob } from './metering.js';
import type { PricingConfig, TenantPricing } from './pricing.js';

export const trialBalance = (balances: Record<string, number>): number => Object.values(balances).reduce((s, b) => s + b, 0);

/** Violations of "sum is zero" and "nothing negative unless on invoice"; empty when all hold. */
export const balanceViolations = (balances: Record<string, number>, modeOf: (tenantId: string) => BillingMode): string[] => {
  const violations: string[] = [];
  const total = trialBalance(balances);
  if (total !== 0) violations.push(`balances sum to ${total}, not 0`);
  for (const [account, signed] of Object.entries(balances)) {
    const shown = normalBalance(account, signed);
    if (shown >= 0) continue;
    const tenant = tenantOfAccount(account);
    // An invoice tenant's unbilled usage may dip below zero by a rounding remainder; its
    // prepaid accounts, providers' payables and treasuries never may.
    const invoiceAsset = tenant !== undefined && accountKind(account) === 'asset' && modeOf(tenant) === 'invoice';
    const platform = account.startsWith('platform:');
    if (!invoiceAsset && !platform) violations.push(`${account} is negative: ${shown}`);
  }
  return violations;
};

/** Each posting on its own must balance (the store refuses otherwise; this checks what was stored). */
export const postingViolations = (postings: Posting[]): string[] =>
  postings.flatMap((p) => {
    const sum = p.entries.reduce((s, e) => s + e.amountMicroUsd, 0);
    return sum === 0 ? [] : [`posting ${p.id} sums to ${sum}`];
  });

/** A settled job's stored cost, its settle posting and a fresh metering must all agree. */
export const jobChargeViolations = (
  jobs: Job[],
  settlements: Map<string, Posting>,
  pricing: PricingConfig,
  pricingOf: (tenantId: string) => TenantPricing,
): string[] =>
  jobs.flatMap((job) => {
    if (job.settledAt === undefined) return [];
    const posting = settlements.get(job.id);
    if (!posting) return [`job ${job.id} is settled but has no settle posting`];
    const metered = meterJob(job, pricing, pricingOf(job.tenantId)).customerMicroUsd;
    const revenue = -posting.entries.filter((e) => e.account === 'platform:revenue').reduce((s, e) => s + e.amountMicroUsd, 0);
    const problems: string[] = [];
    if (job.costMicroUsd !== metered) problems.push(`job ${job.id} costMicroUsd ${job.costMicroUsd} ≠ metered ${metered}`);
    if (revenue !== metered) problems.push(`job ${job.id} charged ${revenue} in the ledger ≠ metered ${metered}`);
    return problems;
  });
