// JobAccounting on the ledger: planHold builds the hold a new job is written with (its
// most possible charge reserved against the budget and, for prepaid tenants, moved from
// available to holds; budget and balance are the write's conditions); settle charges the metered amount, releases the
// rest, and records what each provider is owed. Every posting id derives from the job id,
// so the reconciler may call settle any number of times.
import type { Job, JobSpec } from '../core/job.js';
import type { Clock, HoldWrite, JobAccounting, SettlementPlan } from '../core/ports.js';
import { formatUsd, monthOf } from './amounts.js';
import type { BillingAccount, BillingAccountStore } from './billing-account.js';
import { PaymentRequiredError } from './errors.js';
import { GuardFailedError, accounts, normalBalance, type Entry, type Guard, type LedgerStore, type Posting } from './ledger.js';
import { meterJob } from './metering.js';
import { customerRatePerGpuHour, maxChargeMicroUsd, type PricingConfig } from './pricing.js';

export interface AccountingDeps {
  ledger: LedgerStore;
  billing: BillingAccountStore;
  clock: Clock;
  pricing: PricingConfig;
}

export const holdId = (jobId: string) => `hold:${jobId}`;
export const settleId = (jobId: string) => `settle:${jobId}`;

const budgetRefusal = (account: BillingAccount, committed: number, required: number) =>
  new PaymentRequiredError(
    'budget-exceeded',
    'Monthly budget exceeded',
    `This job could cost up to ${formatUsd(required)}; with ${formatUsd(committed)} already charged or reserved this month, that would pass the monthly budget of ${formatUsd(account.monthlyBudgetMicroUsd!)}.`,
    { budgetMicroUsd: account.monthlyBudgetMicroUsd, committedMicroUsd: committed, requiredMicroUsd: required },
  );

const balanceRefusal = (available: number, required: number) =>
  new PaymentRequiredError(
    'insufficient-balance',
    'Insufficient prepaid balance',
    `This job needs a hold of ${formatUsd(required)} (ceiling × max duration × GPUs) but the available balance is ${formatUsd(available)}. Top up with USDC or lower the limits.`,
    { availableMicroUsd: available, requiredMicroUsd: required },
  );

const overdueRefusal = (account: BillingAccount) =>
  new PaymentRequiredError(
    'invoice-overdue',
    'Invoice overdue',
    `New jobs are paused until the overdue invoice${account.overdueInvoiceIds.length > 1 ? 's are' : ' is'} paid: ${account.overdueInvoiceIds.join(', ')}.`,
    { overdueInvoiceIds: account.overdueInvoiceIds },
  );

export class LedgerAccounting implements JobAccounting {
  constructor(private readonly deps: AccountingDeps) {}

  async admit(tenantId: string, spec: JobSpec): Promise<void> {
    const account = await this.deps.billing.get(tenantId);
    if (account.overdueInvoiceIds.length > 0) throw overdueRefusal(account);
    const required = maxChargeMicroUsd(spec);
    if (account.monthlyBudgetMicroUsd !== undefined) {
      const committed = await this.deps.ledger.budgetCommitted(tenantId, monthOf(this.deps.clock.now()));
      if (committed + required > account.monthlyBudgetMicroUsd) throw budgetRefusal(account, committed, required);
    }
    if (account.mode === 'prepaid') {
      const available = await this.available(tenantId);
      if (available < required) throw balanceRefusal(available, required);
    }
  }

  /**
   * The hold a new job is stored with: the job's maximum reserved against the month's
   * budget and, for prepaid tenants, moved from available to holds. Its guards (budget
   * limit, no overdraft) are the conditions of the job's own write, so the only read here
   * is the tenant's terms; an overdue invoice refuses the job before anything is written.
   */
  async planHold(job: Job): Promise<HoldWrite> {
    const account = await this.deps.billing.get(job.tenantId);
    if (account.overdueInvoiceIds.length > 0) throw overdueRefusal(account);
    return this.holdFor(job, account);
  }

  async refusal(job: Job, error: unknown): Promise<never> {
    if (!(error instanceof GuardFailedError)) throw error;
    // The write's guard failed: answer with the same problem admit would have.
    const amount = maxChargeMicroUsd(job.spec);
    if (error.guard.type === 'budget') {
      const account = await this.deps.billing.get(job.tenantId);
      throw budgetRefusal(account, await this.deps.ledger.budgetCommitted(job.tenantId, error.guard.month), amount);
    }
    throw balanceRefusal(await this.available(job.tenantId), amount);
  }

  /** The hold on its own write (a job stored without one, tests); planHold + the job's write is the submit path. */
  async hold(job: Job): Promise<void> {
    const hold = this.holdFor(job, await this.deps.billing.get(job.tenantId));
    try {
      await this.deps.ledger.post(hold.posting, hold.guards);
    } catch (error) {
      await this.refusal(job, error);
    }
  }

  private holdFor(job: Job, account: BillingAccount): HoldWrite {
    const amount = maxChargeMicroUsd(job.spec);
    const month = monthOf(job.createdAt);
    const prepaid = account.mode === 'prepaid';
    const entries: Entry[] = prepaid
      ? [
          { account: accounts.available(job.tenantId), amountMicroUsd: amount },
          { account: accounts.holds(job.tenantId), amountMicroUsd: -amount },
        ]
      : []; // invoice tenants: no money moves, but the posting records the reservation for settle
    const guards: Guard[] = [
      { type: 'budget', tenantId: job.tenantId, month, deltaMicroUsd: amount, ...(account.monthlyBudgetMicroUsd !== undefined ? { limitMicroUsd: account.monthlyBudgetMicroUsd } : {}) },
      ...(prepaid ? [{ type: 'floor' as const, account: accounts.available(job.tenantId), minNormal: 0 }] : []),
    ];
    const posting: Posting = {
      id: holdId(job.id),
      kind: 'job.hold',
      at: this.deps.clock.now().toISOString(),
      tenantId: job.tenantId,
      jobId: job.id,
      memo: `hold for job ${job.id}: up to ${formatUsd(amount)}`,
      entries,
      details: { holdMicroUsd: amount, month, mode: account.mode },
    };
    return { posting, guards };
  }

  async customerRate(job: Job, offer: { gpuModel: string; pricePerGpuHourUsd: number }): Promise<number> {
    const account = await this.deps.billing.get(job.tenantId);
    return customerRatePerGpuHour(this.deps.pricing, account.pricing ?? {}, job.spec, offer);
  }

  /** Settles on its own (outside a job write): the plan, posted. For the billing tools and tests. */
  async settle(job: Job): Promise<{ costMicroUsd: number }> {
    const plan = await this.planSettlement(job);
    if (!plan.write) return { costMicroUsd: plan.costMicroUsd };
    const posted = await this.deps.ledger.post(plan.write.posting, plan.write.guards);
    if (!posted) return { costMicroUsd: Number((await this.deps.ledger.getPosting(plan.write.posting.id))?.details?.customerMicroUsd ?? 0) };
    return { costMicroUsd: plan.costMicroUsd };
  }

  async planSettlement(job: Job): Promise<SettlementPlan> {
    const existing = await this.deps.ledger.getPosting(settleId(job.id));
    if (existing) return { costMicroUsd: Number(existing.details?.customerMicroUsd ?? 0) };
    const account = await this.deps.billing.get(job.tenantId);
    const usage = meterJob(job, this.deps.pricing, account.pricing ?? {});
    const hold = await this.deps.ledger.getPosting(holdId(job.id));
    const held = Number(hold?.details?.holdMicroUsd ?? 0);
    const mode = (hold?.details?.mode as BillingAccount['mode'] | undefined) ?? account.mode;
    const charge = usage.customerMicroUsd;
    const entries: Entry[] = [{ account: accounts.revenue, amountMicroUsd: -charge }];
    if (mode === 'prepaid') {
      // Charge from the hold and release the rest. The charge is capped at the hold by
      // pricing, so `excess` is only non-zero for a job that never got a hold (submitted
      // before billing was configured): the tenant then owes it like an invoice tenant.
      const covered = Math.min(charge, held);
      entries.push(
        { account: accounts.holds(job.tenantId), amountMicroUsd: held },
        { account: accounts.available(job.tenantId), amountMicroUsd: -(held - covered) },
        { account: accounts.unbilled(job.tenantId), amountMicroUsd: charge - covered },
      );
    } else {
      entries.push({ account: accounts.unbilled(job.tenantId), amountMicroUsd: charge });
    }
    // Providers are owed for every running second, including attempts the customer does not pay for.
    entries.push({ account: accounts.providerCost, amountMicroUsd: usage.providerCostMicroUsd });
    for (const [provider, owed] of Object.entries(usage.providerCosts)) entries.push({ account: accounts.payable(provider), amountMicroUsd: -owed });
    const billed = usage.attempts.filter((a) => a.billable);
    const last = billed[billed.length - 1];
    const posting: Posting = {
      id: settleId(job.id),
      kind: 'job.settle',
      at: this.deps.clock.now().toISOString(),
      tenantId: job.tenantId,
      jobId: job.id,
      memo: `job ${job.id} ${job.status}: ${formatUsd(charge)} charged${held ? `, ${formatUsd(held - Math.min(charge, held))} released` : ''}`,
      entries,
      details: {
        customerMicroUsd: charge,
        providerCostMicroUsd: usage.providerCostMicroUsd,
        holdMicroUsd: held,
        billedSeconds: billed.reduce((s, a) => s + a.billedSeconds, 0),
        gpuCount: job.spec.resources.gpu.count,
        jobStatus: job.status,
        jobCreatedAt: job.createdAt,
        ...(last ? { provider: last.provider, gpuModel: last.gpuModel } : {}),
      },
    };
    const month = (hold?.details?.month as string | undefined) ?? monthOf(this.deps.clock.now());
    return { costMicroUsd: charge, write: { posting, guards: [{ type: 'budget', tenantId: job.tenantId, month, deltaMicroUsd: charge - held }] } };
  }

  private async available(tenantId: string): Promise<number> {
    const account = accounts.available(tenantId);
    const balances = await this.deps.ledger.balances([account]);
    return normalBalance(account, balances[account] ?? 0);
  }
}
