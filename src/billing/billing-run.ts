// The monthly billing run. For each tenant billed by invoice: gather last month's job
// charges from the ledger, make sure the tenant has a Stripe customer, create a draft
// invoice (send_invoice, net terms), add one invoice item per job (or per day), check the
// finalized total equals the ledger to the cent, post the invoice to the ledger, and send.
//
// Why invoice items and not Billing Meter events: meter events feed a subscription price
// and Stripe aggregates them into one line per price per period; Stripe's current docs
// steer new usage-based integrations away from building on Billing Meters (toward
// Metronome) and meters cannot carry our per-job amounts (each job is priced by provider,
// model and margin before Stripe sees it). Invoice items attached to a specific invoice
// (`invoice: in_…`) carry an exact amount and description per job, which is what finance
// asked for: a line per job that adds up to the ledger to the cent.
//
// Safe to retry at any point: every Stripe call has an idempotency key derived from the
// tenant, period and line, the draft's id is stored before items are added, existing lines
// are read back (Stripe keeps idempotency keys for only 24 hours), and the ledger posting
// has its own idempotency id.
import type Stripe from 'stripe';
import type { Clock } from '../core/ports.js';
import { monthRange, previousMonth } from '../money/amounts.js';
import { DEFAULT_DAYS_UNTIL_DUE, type BillingAccount, type BillingAccountStore } from '../money/billing-account.js';
import type { LedgerStore } from '../money/ledger.js';
import { invoicePosting } from '../money/postings.js';
import { chargeOf, invoiceLines, totalCents, type InvoiceLine } from './invoice-lines.js';
import type { InvoiceStore } from './invoices.js';

export interface BillingRunDeps {
  stripe: Stripe;
  ledger: LedgerStore;
  billing: BillingAccountStore;
  invoices: InvoiceStore;
  clock: Clock;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface TenantBillingResult {
  tenantId: string;
  outcome: 'sent' | 'already-sent' | 'nothing-to-bill' | 'error';
  stripeInvoiceId?: string;
  totalCents?: number;
  lines?: number;
  error?: string;
}

export class InvoiceMismatchError extends Error {}

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export const runMonthlyBilling = async (deps: BillingRunDeps, period = previousMonth(deps.clock.now())): Promise<TenantBillingResult[]> => {
  const tenants = await deps.billing.listByMode('invoice');
  const results: TenantBillingResult[] = [];
  for (const account of tenants) {
    try {
      results.push(await billTenant(deps, account, period));
    } catch (error) {
      // One tenant's failure must not hold up the others; the next run picks it up again.
      deps.log?.('billing failed for tenant', { tenantId: account.tenantId, period, error: String(error) });
      results.push({ tenantId: account.tenantId, outcome: 'error', error: String(error) });
    }
  }
  return results;
};

export const billTenant = async (deps: BillingRunDeps, account: BillingAccount, period: string): Promise<TenantBillingResult> => {
  const { tenantId } = account;
  const record = await deps.invoices.get(tenantId, period);
  if (record && record.status !== 'draft') return { tenantId, outcome: 'already-sent', ...(record.stripeInvoiceId ? { stripeInvoiceId: record.stripeInvoiceId } : {}) };
  const { from, to } = monthRange(period);
  const postings = (await deps.ledger.tenantPostings(tenantId, { from, to, kind: 'job.settle' })).items;
  const charges = postings.flatMap((p) => chargeOf(p, tenantId) ?? []);
  const usageMicroUsd = charges.reduce((s, c) => s + c.microUsd, 0);
  const lines = invoiceLines(charges).filter((l) => l.cents !== 0);
  const expectedCents = totalCents(lines);
  if (expectedCents <= 0) return { tenantId, outcome: 'nothing-to-bill' };

  const customer = await ensureCustomer(deps, account);
  const invoiceId = record?.stripeInvoiceId ?? (await createDraft(deps, account, customer, period));
  await addLines(deps, customer, invoiceId, tenantId, period, lines);

  // The invoice must equal the ledger to the cent before it is finalized and sent.
  const mustMatch = (invoice: Stripe.Invoice) => {
    if (invoice.total !== expectedCents) {
      throw new InvoiceMismatchError(`invoice ${invoiceId} totals ${invoice.total} cents but the ledger has ${expectedCents} for ${period}`);
    }
  };
  let invoice = await deps.stripe.invoices.retrieve(invoiceId);
  mustMatch(invoice);
  if (invoice.status === 'draft') {
    invoice = await deps.stripe.invoices.finalizeInvoice(invoiceId, { auto_advance: false }, { idempotencyKey: `finalize-${invoiceId}` });
    mustMatch(invoice);
  }
  const at = deps.clock.now().toISOString();
  await deps.ledger.post(invoicePosting({ tenantId, period, usageMicroUsd, invoicedCents: expectedCents, stripeInvoiceId: invoiceId, at }));
  await deps.stripe.invoices.sendInvoice(invoiceId, {}, { idempotencyKey: `send-${invoiceId}` });
  await deps.invoices.update(tenantId, period, { status: 'sent', totalCents: expectedCents }, at);
  return { tenantId, outcome: 'sent', stripeInvoiceId: invoiceId, totalCents: expectedCents, lines: lines.length };
};

const ensureCustomer = async (deps: BillingRunDeps, account: BillingAccount): Promise<string> => {
  if (account.stripeCustomerId) return account.stripeCustomerId;
  const customer = await deps.stripe.customers.create(
    { name: account.tenantId, ...(account.email ? { email: account.email } : {}), metadata: { tenantId: account.tenantId } },
    { idempotencyKey: `customer-${account.tenantId}` },
  );
  return deps.billing.setStripeCustomer(account.tenantId, customer.id);
};

const createDraft = async (deps: BillingRunDeps, account: BillingAccount, customer: string, period: string): Promise<string> => {
  const invoice = await deps.stripe.invoices.create(
    {
      customer,
      collection_method: 'send_invoice',
      days_until_due: account.daysUntilDue ?? DEFAULT_DAYS_UNTIL_DUE,
      auto_advance: false, // we finalize and send ourselves, after checking the total
      pending_invoice_items_behavior: 'exclude',
      currency: 'usd',
      description: `Switchyard GPU usage, ${period}`,
      metadata: { tenantId: account.tenantId, period },
    },
    { idempotencyKey: `invoice-${account.tenantId}-${period}` },
  );
  await deps.invoices.saveDraft(account.tenantId, period, invoice.id, deps.clock.now().toISOString());
  return invoice.id;
};

const addLines = async (deps: BillingRunDeps, customer: string, invoiceId: string, tenantId: string, period: string, lines: InvoiceLine[]): Promise<void> => {
  const present = new Set<string>();
  for await (const line of deps.stripe.invoices.listLineItems(invoiceId, { limit: 100 })) {
    if (line.metadata?.lineKey) present.add(line.metadata.lineKey);
  }
  for (const line of lines) {
    if (present.has(line.key)) continue;
    await deps.stripe.invoiceItems.create(
      {
        customer,
        invoice: invoiceId,
        amount: line.cents,
        currency: 'usd',
        description: line.description,
        period: { start: unix(line.periodStart), end: unix(line.periodEnd) },
        metadata: { tenantId, period, lineKey: line.key, jobs: String(line.jobIds.length) },
      },
      { idempotencyKey: `invoiceitem-${tenantId}-${period}-${line.key}` },
    );
  }
};
