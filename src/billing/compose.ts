// Builds the money side of a deployment from its configuration: ./compose-core.ts (the
// stores, the JobAccounting, the API's money dependencies) plus Stripe webhooks and (with
// Stripe configured) the monthly billing run, USDC verifiers and payout batches. Local
// mode, the payments and billing Lambdas use it; the api Lambda uses compose-core alone.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MoneyApiDeps } from '../api/routes/money-deps.js';
import type { Clock } from '../core/ports.js';
import type { PricingConfig } from '../money/pricing.js';
import { BaseUsdcVerifier, type BaseVerifierConfig } from '../payments/base-verifier.js';
import { buildPayoutBatch, type PayoutTargets } from '../payments/payout-batch.js';
import { SolanaUsdcVerifier, type SolanaVerifierConfig } from '../payments/solana-verifier.js';
import type { Chain, ChainVerifier } from '../payments/usdc.js';
import { runMonthlyBilling, type TenantBillingResult } from './billing-run.js';
import { viewInvoice } from './invoice-view.js';
import { createStripe, type StripeConfig } from './stripe-client.js';
import { composeMoneyCore } from './compose-core.js';

export interface MoneyOptions {
  pricing?: Partial<PricingConfig>;
  /** Stripe API access (billing run) and the webhook signing secret (webhook endpoint). */
  stripe?: StripeConfig & { webhookSecret: string | (() => Promise<string>); toleranceSeconds?: number };
  usdc?: { solana?: SolanaVerifierConfig; base?: BaseVerifierConfig };
  payouts?: PayoutTargets;
}

export type MoneySystem = ReturnType<typeof composeMoney>;

const payoutsOf = (targets: PayoutTargets, treasury: { solana?: string }): NonNullable<MoneyApiDeps['payouts']> => ({
  targets,
  treasury,
  build: (statements) => buildPayoutBatch(statements, targets, treasury),
});

export const composeMoney = (db: DynamoDBDocumentClient, tableName: string, clock: Clock, options: MoneyOptions = {}) => {
  const core = composeMoneyCore(db, tableName, clock, options.pricing ? { pricing: options.pricing } : {});
  const { ledger, billing, invoices, pricing, accounting } = core;
  const stripe = options.stripe ? createStripe(options.stripe) : undefined;
  const verifiers: Partial<Record<Chain, ChainVerifier>> = {
    ...(options.usdc?.solana ? { solana: new SolanaUsdcVerifier(options.usdc.solana) } : {}),
    ...(options.usdc?.base ? { base: new BaseUsdcVerifier(options.usdc.base) } : {}),
  };
  const api: MoneyApiDeps = {
    ...core.api,
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
    ...(options.payouts ? { payouts: payoutsOf(options.payouts, { ...(options.usdc?.solana ? { solana: options.usdc.solana.treasury } : {}) }) } : {}),
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
