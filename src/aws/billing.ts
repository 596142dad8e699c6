// The monthly billing run for the billing function, with the Stripe API key loaded from
// Secrets Manager. Built from compose-core and the Stripe client alone: the run needs no
// USDC verifiers, so the billing bundle carries no viem or @solana/kit.
import { runMonthlyBilling, type TenantBillingResult } from '../billing/billing-run.js';
import { composeMoneyCore } from '../billing/compose-core.js';
import { billingOptionsFromEnvironment } from '../billing/environment.js';
import { createStripe } from '../billing/stripe-client.js';
import { systemClock } from '../core/ports.js';
import { db, log, readSecretJson, tableName } from './base.js';

export const billingRun = async (period?: string): Promise<TenantBillingResult[]> => {
  const options = await billingOptionsFromEnvironment(process.env, readSecretJson);
  const { ledger, billing, invoices } = composeMoneyCore(db, tableName, systemClock, options.pricing ? { pricing: options.pricing } : {});
  return runMonthlyBilling({ stripe: createStripe(options.stripe!), ledger, billing, invoices, clock: systemClock, log }, period);
};
