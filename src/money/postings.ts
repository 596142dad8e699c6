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
    id: `invoice:${p.tenantId}:${p.period}`,
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
  id: `invoice-paid:${p.stripeInvoiceId}`,
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
