// Monthly invoices as Switchyard records them: one per tenant and period, tied to the
// Stripe invoice, so a billing run that is retried days later (after Stripe's 24-hour
// idempotency window) still finds and continues the invoice it started.
export type InvoiceStatus = 'draft' | 'sent' | 'open' | 'paid' | 'overdue' | 'void' | 'uncollectible';

export interface InvoiceRecord {
  tenantId: string;
  period: string;
  stripeInvoiceId?: string;
  status: InvoiceStatus;
  totalCents?: number;
  paymentFailedAt?: string;
  updatedAt: string;
}

export interface InvoiceStore {
  get(tenantId: string, period: string): Promise<InvoiceRecord | undefined>;
  /** Record the Stripe draft for a period (and the Stripe id → tenant mapping) once. */
  saveDraft(tenantId: string, period: string, stripeInvoiceId: string, at: string): Promise<void>;
  update(tenantId: string, period: string, patch: Partial<Pick<InvoiceRecord, 'status' | 'totalCents' | 'paymentFailedAt'>>, at: string): Promise<void>;
  findByStripeId(stripeInvoiceId: string): Promise<{ tenantId: string; period: string } | undefined>;
  /** Whether a Stripe event was processed already (Stripe delivers at least once). */
  hasEvent(eventId: string): Promise<boolean>;
  /** Record an event as processed, after its effects are written; true if this call recorded it. */
  claimEvent(eventId: string, type: string, at: string): Promise<boolean>;
}

/** Once an invoice is paid (or voided) no later event may move it back. */
export const FINAL_INVOICE_STATUSES: ReadonlySet<InvoiceStatus> = new Set(['paid', 'void']);
