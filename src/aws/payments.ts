// The money side for the payments function: as ./money.ts, plus the Stripe webhook
// verification (signing secret from Secrets Manager), the USDC verifiers and payout batches.
import { composeMoney } from '../billing/compose.js';
import { moneyOptionsFromEnvironment } from '../billing/environment.js';
import { systemClock } from '../core/ports.js';
import { db, readSecretJson, tableName } from './base.js';

export const payments = composeMoney(db, tableName, systemClock, moneyOptionsFromEnvironment(process.env, readSecretJson));
