// The money side for the api function: ledger, billing accounts, accounting (admit/hold/
// settle) and the API's money routes, without Stripe or the chain clients (those are in
// ./payments.ts, for the payments function; the billing run is in ./billing.ts).
import { composeMoneyCore } from '../billing/compose-core.js';
import { moneyOptionsFromEnvironment } from '../billing/environment.js';
import { systemClock } from '../core/ports.js';
import { db, readSecretJson, tableName } from './base.js';

const { pricing } = moneyOptionsFromEnvironment(process.env, readSecretJson);
export const money = composeMoneyCore(db, tableName, systemClock, pricing ? { pricing } : {});
