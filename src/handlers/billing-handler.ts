// The scheduled billing handler (EventBridge, on the 1st of each month), shared by the
// Lambda entry point and local mode. It bills the previous month unless the event names
// a period. Any tenant that failed makes the invocation fail, so the schedule's retry (and
// the error alarm) kick in; a retry is safe because every step of the run is idempotent.
import type { TenantBillingResult } from '../billing/billing-run.js';

export interface BillingEvent {
  /** YYYY-MM to bill; the previous calendar month (UTC) when absent. */
  period?: string;
}

export interface BillingSummary {
  period?: string;
  sent: number;
  alreadySent: number;
  nothingToBill: number;
  failed: string[];
}

export class BillingRunFailedError extends Error {
  constructor(readonly summary: BillingSummary) {
    super(`billing failed for ${summary.failed.length} tenant(s): ${summary.failed.join(', ')}`);
  }
}

export const createBillingHandler =
  (runBilling: (period?: string) => Promise<TenantBillingResult[]>) =>
  async (event: BillingEvent = {}): Promise<BillingSummary> => {
    const period = typeof event.period === 'string' ? event.period : undefined;
    if (period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new Error(`period must be YYYY-MM, got "${period}"`);
    const results = await runBilling(period);
    const summary: BillingSummary = {
      ...(period ? { period } : {}),
      sent: results.filter((r) => r.outcome === 'sent').length,
      alreadySent: results.filter((r) => r.outcome === 'already-sent').length,
      nothingToBill: results.filter((r) => r.outcome === 'nothing-to-bill').length,
      failed: results.filter((r) => r.outcome === 'error').map((r) => r.tenantId),
    };
    if (summary.failed.length > 0) throw new BillingRunFailedError(summary);
    return summary;
  };
