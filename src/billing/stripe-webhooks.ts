// Stripe webhooks: the signature is checked on the raw body (any re-serialisation would
// break it) with a timestamp tolerance, so a captured delivery cannot be replayed later.
// Each event's effects are idempotent (ledger postings with ids from the invoice, set
// membership for "overdue") and the event id is recorded after they are written, so a
// redelivery is a no-op and a crash mid-way is finished by Stripe's own retry.
import type Stripe from 'stripe';
import type { Clock } from '../core/ports.js';
import type { BillingAccountStore } from '../money/billing-account.js';
import type { LedgerStore } from '../money/ledger.js';
import { accounts } from '../money/ledger.js';
import {
  invoiceIssuedId,
  invoicePaidId,
  invoicePaidPosting,
  invoiceRecoveredId,
  invoiceRecoveredPosting,
  invoiceUncollectibleId,
  invoiceUncollectiblePosting,
  invoiceVoidedPosting,
} from '../money/postings.js';
import type { InvoiceStore } from './invoices.js';

export interface StripeWebhookDeps {
  stripe: Stripe;
  /** The endpoint's signing secret (whsec_…), or how to fetch it (Secrets Manager, cached). */
  secret: string | (() => Promise<string>);
  /** Oldest signature timestamp accepted, in seconds (Stripe's default is 300). */
  toleranceSeconds?: number;
  invoices: InvoiceStore;
  billing: BillingAccountStore;
  ledger: LedgerStore;
  clock: Clock;
}

export class WebhookSignatureError extends Error {}

/** A void or write-off for an invoice whose issue the ledger does not have yet (finalize → post window): retry later. */
export class InvoiceNotPostedError extends Error {}

export type WebhookOutcome = { eventId: string; type: string; result: 'processed' | 'duplicate' | 'ignored' };

export const HANDLED_EVENTS = ['invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.overdue', 'invoice.voided', 'invoice.marked_uncollectible'] as const;

export const handleStripeWebhook = async (deps: StripeWebhookDeps, rawBody: string, signature: string | undefined): Promise<WebhookOutcome> => {
  if (!signature) throw new WebhookSignatureError('missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    const secret = typeof deps.secret === 'string' ? deps.secret : await deps.secret();
    event = await deps.stripe.webhooks.constructEventAsync(rawBody, signature, secret, deps.toleranceSeconds ?? 300, undefined, deps.clock.now().getTime());
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : 'signature verification failed');
  }
  const outcome = { eventId: event.id, type: event.type };
  if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) return { ...outcome, result: 'ignored' };
  if (await deps.invoices.hasEvent(event.id)) return { ...outcome, result: 'duplicate' };
  await applyInvoiceEvent(deps, event.type, event.data.object as Stripe.Invoice);
  const first = await deps.invoices.claimEvent(event.id, event.type, deps.clock.now().toISOString());
  return { ...outcome, result: first ? 'processed' : 'duplicate' };
};

const applyInvoiceEvent = async (deps: StripeWebhookDeps, type: string, invoice: Stripe.Invoice): Promise<void> => {
  if (!invoice.id) return;
  const known = await deps.invoices.findByStripeId(invoice.id);
  // Only invoices the billing run made are ours to act on (the metadata alone is not proof).
  if (!known) return;
  const { tenantId, period } = known;
  const at = deps.clock.now().toISOString();
  switch (type) {
    case 'invoice.finalized':
      await deps.invoices.update(tenantId, period, { status: 'open' }, at);
      return;
    case 'invoice.paid': {
      // Paid after a write-off: undo the write-off first, so the payment settles a real receivable.
      const writeOff = await deps.ledger.getPosting(invoiceUncollectibleId(invoice.id));
      const writtenOff = Number(writeOff?.details?.writtenOffMicroUsd ?? 0);
      if (writtenOff > 0) await deps.ledger.post(invoiceRecoveredPosting({ tenantId, stripeInvoiceId: invoice.id, writtenOffMicroUsd: writtenOff, at }));
      await deps.ledger.post(invoicePaidPosting({ tenantId, stripeInvoiceId: invoice.id, paidCents: invoice.amount_paid, at }));
      await deps.invoices.update(tenantId, period, { status: 'paid' }, at);
      await deps.billing.clearOverdue(tenantId, invoice.id);
      return;
    }
    case 'invoice.payment_failed':
      await deps.invoices.update(tenantId, period, { paymentFailedAt: at }, at);
      return;
    case 'invoice.overdue': {
      const record = await deps.invoices.get(tenantId, period);
      // An overdue notice that arrives after the payment (events are not ordered) blocks nobody.
      if (record?.status === 'paid' || record?.status === 'void' || invoice.status === 'paid') return;
      await deps.billing.markOverdue(tenantId, invoice.id);
      await deps.invoices.update(tenantId, period, { status: 'overdue' }, at);
      // A payment processed concurrently may have cleared the block before we set it.
      if ((await deps.invoices.get(tenantId, period))?.status === 'paid') await deps.billing.clearOverdue(tenantId, invoice.id);
      return;
    }
    case 'invoice.voided': {
      // Voided after a write-off: the books keep the write-off. Posting it under its own id here too
      // means a void that overtakes (or races) the marked_uncollectible event cannot reverse twice.
      const writtenOffFirst = invoice.status_transitions?.marked_uncollectible_at != null;
      const outstandingMicroUsd = await outstanding(deps, tenantId, period, invoice.id);
      const reversal = writtenOffFirst ? invoiceUncollectiblePosting : invoiceVoidedPosting;
      if (outstandingMicroUsd > 0) await deps.ledger.post(reversal({ tenantId, period, stripeInvoiceId: invoice.id, outstandingMicroUsd, at }));
      await deps.invoices.update(tenantId, period, { status: 'void' }, at);
      await deps.billing.clearOverdue(tenantId, invoice.id);
      return;
    }
    case 'invoice.marked_uncollectible': {
      // Written off in the books, but the tenant stays blocked: the money is still owed.
      const outstandingMicroUsd = await outstanding(deps, tenantId, period, invoice.id);
      if (outstandingMicroUsd > 0) await deps.ledger.post(invoiceUncollectiblePosting({ tenantId, period, stripeInvoiceId: invoice.id, outstandingMicroUsd, at }));
      await deps.invoices.update(tenantId, period, { status: 'uncollectible' }, at);
      return;
    }
  }
};

/**
 * What the ledger still has receivable for this invoice: as issued, less a payment and an earlier
 * write-off (Stripe may void an invoice it marked uncollectible before).
 */
const outstanding = async (deps: StripeWebhookDeps, tenantId: string, period: string, stripeInvoiceId: string): Promise<number> => {
  const receivable = accounts.receivable(tenantId);
  const issued = await deps.ledger.getPosting(invoiceIssuedId(tenantId, period));
  if (!issued) throw new InvoiceNotPostedError(`invoice ${stripeInvoiceId} is not in the ledger yet; retry later`);
  const later = await Promise.all([invoicePaidId, invoiceUncollectibleId, invoiceRecoveredId].map((id) => deps.ledger.getPosting(id(stripeInvoiceId))));
  return [issued, ...later].reduce((sum, p) => sum + (p?.entries.filter((e) => e.account === receivable).reduce((s, e) => s + e.amountMicroUsd, 0) ?? 0), 0);
};
