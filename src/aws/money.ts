// The money side for the api and billing functions: ledger, Stripe, USDC verifiers.
import { composeMoney } from '../billing/compose.js';
import { billingOptionsFromEnvironment, moneyOptionsFromEnvironment } from '../billing/environment.js';
import type { TenantBillingResult } from '../billing/billing-run.js';
import { systemClock } from '../core/ports.js';
import { db, log, readSecretJson, tableName } from './base.js';

/** Ledger, billing accounts, accounting (admit/hold/settle) and the API's money routes. */
export const money = composeMoney(db, tableName, systemClock, moneyOptionsFromEnvironment(process.env, readSecretJson));

/** The monthly billing run, with the Stripe API key loaded from Secrets Manager. */
export const billingRun = async (period?: string): Promise<TenantBillingResult[]> =>
  composeMoney(db, tableName, systemClock, await billingOptionsFromEnvironment(process.env, readSecretJson)).runBilling(period, log);
