// Builds the money side of a deployment from its configuration: the DynamoDB stores, the
// JobAccounting the job path calls, the API's money dependencies, and (with Stripe
// configured) the monthly billing run. Local mode and the Lambda runtime both use it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBillingAccountStore } from '../adapters/dynamodb/billing-account-store.js';
import { DynamoInvoiceStore } from '../adapters/dynamodb/invoice-store.js';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store.js';
import type { MoneyApiDeps } from '../api/routes/money-deps.js';
import type { Clock } from '../core/ports.js';
import { LedgerAccounting } from '../money/accounting.js';
import { DEFAULT_PRICING, type PricingConfig } from '../money/pricing.js';
import { BaseUsdcVerifier, type BaseVerifierConfig } from '../payments/base-verifier.js';
import type { PayoutTargets } from '../payments/payout-batch.js';
import { SolanaUsdcVerifier, type SolanaVerifierConfig } from '../payments/solana-verifier.js';
import type { Chain, ChainVerifier } from '../payments/usdc.js';
import { runMonthlyBilling, type TenantBillingResult } from './billing-run.js';
import { viewInvoice } from './invoice-view.js';
import { createStripe, type StripeConfig } from './stripe-client.js';

export interface MoneyOptions {
  pricing?: Partial<PricingConfig>;
  /** Stripe API access (billing run) and the webhook signing secret (webhook endpoint). */
  stripe?: StripeConfig & { webhookSecret: string | (() => Promise<string>); toleranceSeconds?: number };
  usdc?: { solana?: SolanaVerifierConfig; base?: BaseVerifierConfig };
  payouts?: PayoutTargets;
}

export type MoneySystem = ReturnType<typeof composeMoney>;

export const composeMoney = (db: DynamoDBDocumentClient, tableName: string, clock: Clock, options: MoneyOptions = {}) => {
  const ledger = new DynamoLedgerStore(db, tableName);
  const billing = new DynamoBillingAccountStore(db, tableName);
  const invoices = new DynamoInvoiceStore(db, tableName);
  const pricing: PricingConfig = { ...DEFAULT_PRICING, ...options.pricing };
  const accounting = new LedgerAccounting({ ledger, billing, clock, pricing });
  const stripe = options.stripe ? createStripe(options.stripe) : undefined;
  const verifiers: Partial<Record<Chain, ChainVerifier>> = {
    ...(options.usdc?.solana ? { solana: new SolanaUsdcVerifier(options.usdc.solana) } : {}),
    ...(options.usdc?.base ? { base: new BaseUsdcVerifier(options.usdc.base) } : {}),
  };
  const api: MoneyApiDeps = {
    ledger,
    clock,
    billing,
    pricing,
    usdcVerifiers: verifiers,
    ...(stripe && options.stripe
      ? { stripeWebhook: { stripe, secret: options.stripe.webhookSecret, ...(options.stripe.toleranceSeconds !== undefined ? { toleranceSeconds: options.stripe.toleranceSeconds } : {}), invoices, billing, ledger, clock } }
      : {}),
    ...(stripe
      ? {
          billingRun: async (period: string) => {
            const results = await runMonthlyBilling({ stripe, ledger, billing, invoices, clock }, period);
            return Promise.all(results.map(async (r) => (r.stripeInvoiceId ? { ...r, invoice: await viewInvoice(stripe, r.stripeInvoiceId) } : r)));
          },
        }
      : {}),
    ...(options.payouts ? { payouts: { targets: options.payouts, treasury: { ...(options.usdc?.solana ? { solana: options.usdc.solana.treasury } : {}) } } } : {}),
  };
  return {
    ledger,
    billing,
    invoices,
    pricing,
    accounting,
    api,
    stripe,
    /** The monthly billing run; needs Stripe configured. */
    runBilling: async (period?: string, log?: (message: string, fields?: Record<string, unknown>) => void): Promise<TenantBillingResult[]> => {
      if (!stripe) throw new Error('Stripe is not configured: set its API key to run billing');
      return runMonthlyBilling({ stripe, ledger, billing, invoices, clock, ...(log ? { log } : {}) }, period);
    },
  };
};
