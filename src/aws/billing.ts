// The monthly billing run for the billing function, with the Stripe API key loaded from Secrets Manager.
import type { TenantBillingResult } from '../billing/billing-run.js';
import { composeMoney } from '../billing/compose.js';
import { billingOptionsFromEnvironment } from '../billing/environment.js';
import { systemClock } from '../core/ports.js';
import { db, log, readSecretJson, tableName } from './base.js';

export const billingRun = async (period?: string): Promise<TenantBillingResult[]> =>
  composeMoney(db, tableName, systemClock, await billingOptionsFromEnvironment(process.env, readSecretJson)).runBilling(period, log);
