// A tenant's billing terms: how it pays (monthly invoice or prepaid USDC balance), its
// monthly budget and pricing, and what blocks it (overdue invoices). Pure model + port.
import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../core/ports.js';
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

/**
 * Tenants nobody configured are prepaid with a zero balance: they can spend nothing until they
 * top up, or an admin sets invoice terms (which require a monthly budget). Never unlimited.
 */
export const defaultBillingAccount = (tenantId: string): BillingAccount => ({ tenantId, mode: 'prepaid', overdueInvoiceIds: [] });

/** Terms a tenant may be given: invoice terms always carry a budget. */
export const termsProblem = (config: BillingConfig): string | undefined =>
  config.mode === 'invoice' && config.monthlyBudgetMicroUsd === undefined ? 'invoice terms need a monthlyBudgetMicroUsd' : undefined;

export const DEFAULT_DAYS_UNTIL_DUE = 30;

export interface BillingAccountStore {
  get(tenantId: string): Promise<BillingAccount>;
  /** Replace the terms, with the audit event of the change in the same write. */
  configure(tenantId: string, config: BillingConfig, audit: AuditEvent): Promise<BillingAccount>;
  /** Set terms only if none were ever set (seeding); true if set now. */
  initialize(tenantId: string, config: BillingConfig, audit: AuditEvent): Promise<boolean>;
  /** Record the Stripe customer once; returns the id that won if two runs raced. */
  setStripeCustomer(tenantId: string, customerId: string): Promise<string>;
  markOverdue(tenantId: string, invoiceId: string): Promise<void>;
  clearOverdue(tenantId: string, invoiceId: string): Promise<void>;
  listByMode(mode: BillingMode): Promise<BillingAccount[]>;
}

/** The audit event of a change of terms (action billing.terms.set), with the terms before and after. */
export const termsAudit = (p: { tenantId: string; terms: BillingConfig; at: string; actor: AuditEvent['actor']; previous?: BillingConfig }): AuditEvent => ({
  id: `aud_${randomBytes(10).toString('hex')}`,
  at: p.at,
  action: 'billing.terms.set',
  actor: p.actor,
  tenantId: p.tenantId,
  details: { ...(p.previous ? { from: p.previous } : {}), to: p.terms },
});

/** Who changed terms when no API key did (seeding, tests, scripts). */
export const SYSTEM_ACTOR: AuditEvent['actor'] = { tenantId: 'system', keyId: 'system' };
