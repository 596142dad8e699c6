// An invoice as Stripe holds it, for people: number, status, amounts and lines in cents.
import type Stripe from 'stripe';

export interface InvoiceView {
  id: string;
  number: string | null;
  status: string | null;
  amountDueCents: number;
  hostedInvoiceUrl: string | null;
  dueDate: string | null;
  lines: { description: string | null; amountCents: number }[];
}

export const viewInvoice = async (stripe: Stripe, invoiceId: string): Promise<InvoiceView> => {
  const invoice = await stripe.invoices.retrieve(invoiceId);
  const lines: InvoiceView['lines'] = [];
  for await (const line of stripe.invoices.listLineItems(invoiceId, { limit: 100 })) lines.push({ description: line.description, amountCents: line.amount });
  return {
    id: invoiceId,
    number: invoice.number ?? null,
    status: invoice.status ?? null,
    amountDueCents: invoice.amount_due,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    dueDate: invoice.due_date ? new Date(invoice.due_date * 1000).toISOString() : null,
    lines,
  };
};
