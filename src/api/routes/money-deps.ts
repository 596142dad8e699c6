// What the money routes need. Optional in ApiDeps: without it the API has no billing.
import type { TenantBillingResult } from '../../billing/billing-run.js';
import type { InvoiceView } from '../../billing/invoice-view.js';
import type { StripeWebhookDeps } from '../../billing/stripe-webhooks.js';
import type { Clock } from '../../core/ports.js';
import type { BillingAccountStore } from '../../money/billing-account.js';
import type { LedgerStore } from '../../money/ledger.js';
import type { PricingConfig } from '../../money/pricing.js';
import type { ProviderStatement } from '../../money/provider-statement.js';
import type { PayoutBatch, PayoutTargets } from '../../payments/payout-batch.js';
import type { Chain, ChainVerifier } from '../../payments/usdc.js';

export interface MoneyApiDeps {
  ledger: LedgerStore;
  clock: Clock;
  billing: BillingAccountStore;
  pricing: PricingConfig;
  /** USDC deposit verification per chain; chains left out are refused. */
  usdcVerifiers?: Partial<Record<Chain, ChainVerifier>>;
  /** Stripe webhook verification and processing; the endpoint answers 404 without it. */
  stripeWebhook?: StripeWebhookDeps;
  /** The monthly billing run for one period (YYYY-MM), with each invoice as Stripe has it; needs Stripe. */
  billingRun?: (period: string) => Promise<BilledTenant[]>;
  /**
   * Networks paid in USDC, the treasury wallets payouts come from, and the batch builder
   * (injected, so the route module does not pull viem and @solana/kit into every bundle).
   */
  payouts?: { targets: PayoutTargets; treasury: { solana?: string }; build: (statements: ProviderStatement[]) => Promise<PayoutBatch> };
}

export type BilledTenant = TenantBillingResult & { invoice?: InvoiceView };
