// The money side every API composition needs, and nothing heavier: the DynamoDB stores, the
// JobAccounting the job path calls, and the API's money dependencies without Stripe or the
// chain clients. The api Lambda uses this alone (its bundle carries no stripe, viem or
// @solana/kit); ./compose.ts adds Stripe, USDC verification and payouts on top.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBillingAccountStore } from '../adapters/dynamodb/billing-account-store.js';
import { DynamoInvoiceStore } from '../adapters/dynamodb/invoice-store.js';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store.js';
import type { MoneyApiDeps } from '../api/routes/money-deps.js';
import type { Clock } from '../core/ports.js';
import { LedgerAccounting } from '../money/accounting.js';
import { DEFAULT_PRICING, type PricingConfig } from '../money/pricing.js';

export const composeMoneyCore = (db: DynamoDBDocumentClient, tableName: string, clock: Clock, options: { pricing?: Partial<PricingConfig> } = {}) => {
  const ledger = new DynamoLedgerStore(db, tableName);
  const billing = new DynamoBillingAccountStore(db, tableName);
  const invoices = new DynamoInvoiceStore(db, tableName);
  const pricing: PricingConfig = { ...DEFAULT_PRICING, ...options.pricing };
  const accounting = new LedgerAccounting({ ledger, billing, clock, pricing });
  const api: MoneyApiDeps = { ledger, clock, billing, pricing };
  return { ledger, billing, invoices, pricing, accounting, api };
};
