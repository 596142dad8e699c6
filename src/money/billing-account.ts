// A tenant's billing terms: how it pays (monthly invoice or prepaid USDC balance), its
// monthly budget and pricing, and what blocks it (overdue invoices). Pure model + port.
import type { TenantPricing } from './pricing.js';

export type BillingMode = 'invoice' | 'prepaid';

export interface BillingConfig {
  mode: BillingMode;
  /** New jobs are refused once charged + reserved spend in a calendar month (UTC) would pass this. */
  monthlyBudgetMicroUsd?: number;
  pricing?: TenantPricing;
  /** Where Stripe sends invoices. */
  email?: string;
  /** Net terms of the monthly invoice. */
  daysUntilDue?: number;
  /** Wallets the tenant pays USDC from: a deposit is credited only if it came from one of these. */
  wallets?: { solana?: string[]; base?: string[] };
}

export interface BillingAccount extends BillingConfig {
  tenantId: string;
  stripeCustomerId?: string;
  /** Stripe invoices past due; while any is listed, new jobs are refused. */
  overdueInvoiceIds: string[];
}

/** Tenants nobody configured are billed by invoice with no budget: the least surprising default. */
export const defaultBillingAccount = (tenantId: string): BillingAccount => ({ tenantId, mode: 'invoice', overdueInvoiceIds: [] });

export const DEFAULT_DAYS_UNTIL_DUE = 30;

export interface BillingAccountStore {
  get(tenantId: string): Promise<BillingAccount>;
  configure(tenantId: string, config: BillingConfig): Promise<BillingAccount>;
  /** Record the Stripe customer once; returns the id that won if two runs raced. */
  setStripeCustomer(tenantId: string, customerId: string): Promise<string>;
  markOverdue(tenantId: string, invoiceId: string): Promise<void>;
  clearOverdue(tenantId: string, invoiceId: string): Promise<void>;
  listByMode(mode: BillingMode): Promise<BillingAccount[]>;
}
