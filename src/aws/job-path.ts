// The dispatcher's and reconciler's dependencies: providers with their credentials, the
// reliability stats, and the ledger accounting that settles finished jobs.
import { DynamoBillingAccountStore } from '../adapters/dynamodb/billing-account-store.js';
import { DynamoLedgerStore } from '../adapters/dynamodb/ledger-store.js';
import { DynamoProviderStatsStore } from '../adapters/dynamodb/provider-stats-store.js';
import { DEFAULT_DISPATCH_CONFIG } from '../core/dispatch.js';
import { systemClock } from '../core/ports.js';
import { DEFAULT_RECONCILE_CONFIG, type ReconcileDeps } from '../core/reconcile.js';
import { LedgerAccounting } from '../money/accounting.js';
import { DEFAULT_PRICING } from '../money/pricing.js';
import { fullCloudAdapters } from '../providers/cloud-adapters.js';
import { db, log, queue, store, tableName } from './base.js';
import { providersWithCredentials } from './providers.js';

import { cipher, secrets, redactOutput } from './runtime.js';
import { registryLoginFrom } from '../secrets/secrets-service.js';
import { agentRuntimeDeps } from './agent.js';

const accounting = new LedgerAccounting({
  ledger: new DynamoLedgerStore(db, tableName),
  billing: new DynamoBillingAccountStore(db, tableName),
  clock: systemClock,
  pricing: { ...DEFAULT_PRICING, ...(process.env.MARGIN_BPS ? { defaultMarginBps: Number(process.env.MARGIN_BPS) } : {}) },
});

const stats = new DynamoProviderStatsStore(db, tableName);

/** Provider adapters are rebuilt at most this often, so a rotated provider secret lands without a redeploy. */
const PROVIDERS_MAX_AGE_MS = 5 * 60 * 1000;
let cached: { deps: Promise<ReconcileDeps>; builtAt: number } | undefined;

/** The job path's dependencies, built once per container and refreshed with the provider secret. */
export const reconcileDeps = (): Promise<ReconcileDeps> => {
  if (!cached || Date.now() - cached.builtAt > PROVIDERS_MAX_AGE_MS) {
    const deps = providersWithCredentials(fullCloudAdapters).then(
      (providers): ReconcileDeps => {
        const found = agentRuntimeDeps();
        // Output tails (copied from provider logs) have the job's secret values masked.
        const agent = found && redactOutput ? { ...found, redactOutput } : found;
        return {
          store,
          queue,
          providers,
          clock: systemClock,
          stats,
          accounting,
          ...(secrets ? { registryLogin: registryLoginFrom(secrets) } : {}),
          // Unfinished launches (an Akash auction) are sealed under the same key; the reconciler finishes them.
          ...(cipher ? { launchStates: cipher } : {}),
          config: DEFAULT_DISPATCH_CONFIG,
          reconcile: DEFAULT_RECONCILE_CONFIG,
          log,
          ...(agent ? { agent } : {}),
        };
      },
    );
    cached = { deps, builtAt: Date.now() };
    deps.catch(() => (cached = undefined)); // a failed secret read is retried on the next invocation
  }
  return cached.deps;
};
