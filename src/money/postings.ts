// Postings for money that enters or leaves a tenant outside of jobs: USDC deposits,
// monthly invoices and their payment. Each id derives from the outside event (chain +
// transaction, tenant + period, Stripe invoice), which is what makes it post once, ever.
import { accounts, type Posting } from './ledger.js';

export const depositPosting = (p: { tenantId: string; chain: string; tx: string; amountMicroUsd: number; at: string; payer: string }): Posting => ({
  id: `usdc:${p.chain}:${p.tx}`,
  kind: 'usdc.deposit',
  at: p.at,
  tenantId: p.tenantId,
  memo: `USDC deposit on ${p.chain} from ${p.payer}`,
  entries: [
    { account: accounts.usdcTreasury(p.chain), amountMicroUsd: p.amountMicroUsd },
    { account: accounts.available(p.tenantId), amountMicroUsd: -p.amountMicroUsd },
  ],
  details: { chain: p.chain, tx: p.tx, payer: p.payer, amountMicroUsd: p.amountMicroUsd },
});

/**
 * An invoice moves the period's usage from unbilled to receivable. The invoice is in whole
 * cents and the usage in µUSD: the sub-cent difference goes to the rounding account, so
 * unbilled is cleared exactly and the receivable equals the invoice to the cent.
 */
export const invoicePosting = (p: { tenantId: string; period: string; usageMicroUsd: number; invoicedCents: number; stripeInvoiceId: string; at: string }): Posting => {
  const invoiced = p.invoicedCents * 10_000;
  return {
    id: invoiceIssuedId(p.tenantId, p.period),
    kind: 'invoice.issued',
    at: p.at,
    tenantId: p.tenantId,
    memo: `invoice ${p.stripeInvoiceId} for ${p.period}`,
    entries: [
      { account: accounts.receivable(p.tenantId), amountMicroUsd: invoiced },
      { account: accounts.unbilled(p.tenantId), amountMicroUsd: -p.usageMicroUsd },
      { account: accounts.rounding, amountMicroUsd: p.usageMicroUsd - invoiced },
    ],
    details: { period: p.period, stripeInvoiceId: p.stripeInvoiceId, invoicedCents: p.invoicedCents, usageMicroUsd: p.usageMicroUsd },
  };
};

export const invoicePaidPosting = (p: { tenantId: string; stripeInvoiceId: string; paidCents: number; at: string }): Posting => ({
  id: invoicePaidId(p.stripeInvoiceId),
  kind: 'invoice.paid',
  at: p.at,
  tenantId: p.tenantId,
  memo: `invoice ${p.stripeInvoiceId} paid`,
  entries: [
    { account: accounts.stripeCash, amountMicroUsd: p.paidCents * 10_000 },
    { account: accounts.receivable(p.tenantId), amountMicroUsd: -p.paidCents * 10_000 },
  ],
  details: { stripeInvoiceId: p.stripeInvoiceId, paidCents: p.paidCents },
});

/** Reversals of an issued invoice, by the Stripe event that ends it. Ids derive from the invoice: each posts once. */
export const invoiceIssuedId = (tenantId: string, period: string) => `invoice:${tenantId}:${period}`;
export const invoicePaidId = (stripeInvoiceId: string) => `invoice-paid:${stripeInvoiceId}`;
export const invoiceVoidedId = (stripeInvoiceId: string) => `invoice-voided:${stripeInvoiceId}`;
export const invoiceUncollectibleId = (stripeInvoiceId: string) => `invoice-uncollectible:${stripeInvoiceId}`;
export const invoiceRecoveredId = (stripeInvoiceId: string) => `invoice-recovered:${stripeInvoiceId}`;

/** A voided invoice is no longer owed: its receivable is credited back (a credit note). */
export const invoiceVoidedPosting = (p: { tenantId: string; period: string; stripeInvoiceId: string; outstandingMicroUsd: number; at: string }): Posting => ({
  id: invoiceVoidedId(p.stripeInvoiceId),
  kind: 'invoice.voided',
  at: p.at,
  tenantId: p.tenantId,
  memo: `invoice ${p.stripeInvoiceId} for ${p.period} voided`,
  entries: [
    { account: accounts.creditNotes, amountMicroUsd: p.outstandingMicroUsd },
    { account: accounts.receivable(p.tenantId), amountMicroUsd: -p.outstandingMicroUsd },
  ],
  details: { period: p.period, stripeInvoiceId: p.stripeInvoiceId, reversedMicroUsd: p.outstandingMicroUsd },
});

/** An uncollectible invoice is written off: the receivable goes to bad debt. */
export const invoiceUncollectiblePosting = (p: { tenantId: string; period: string; stripeInvoiceId: string; outstandingMicroUsd: number; at: string }): Posting => ({
  id: invoiceUncollectibleId(p.stripeInvoiceId),
  kind: 'invoice.uncollectible',
  at: p.at,
  tenantId: p.tenantId,
  memo: `invoice ${p.stripeInvoiceId} for ${p.period} marked uncollectible`,
  entries: [
    { account: accounts.badDebt, amountMicroUsd: p.outstandingMicroUsd },
    { account: accounts.receivable(p.tenantId), amountMicroUsd: -p.outstandingMicroUsd },
  ],
  details: { period: p.period, stripeInvoiceId: p.stripeInvoiceId, writtenOffMicroUsd: p.outstandingMicroUsd },
});

/** Paid after all (Stripe lets an uncollectible invoice be paid): the write-off is undone before the payment posts. */
export const invoiceRecoveredPosting = (p: { tenantId: string; stripeInvoiceId: string; writtenOffMicroUsd: number; at: string }): Posting => ({
  id: invoiceRecoveredId(p.stripeInvoiceId),
  kind: 'invoice.recovered',
  at: p.at,
  tenantId: p.tenantId,
  memo: `invoice ${p.stripeInvoiceId} paid after being written off`,
  entries: [
    { account: accounts.receivable(p.tenantId), amountMicroUsd: p.writtenOffMicroUsd },
    { account: accounts.badDebt, amountMicroUsd: -p.writtenOffMicroUsd },
  ],
  details: { stripeInvoiceId: p.stripeInvoiceId, recoveredMicroUsd: p.writtenOffMicroUsd },
});
