// Invoice lines from the ledger's charges: one per job, or one per day when a month has
// more jobs than a Stripe invoice takes items. Each charge is µUSD; lines are cents. Lines
// are rounded on the running total (each line = round(total so far) − round(total before)),
// so they add up to the period's total rounded once, never drifting by a cent per line.
import { MICRO_PER_CENT, mulDiv } from '../money/amounts.js';
import type { Posting } from '../money/ledger.js';

/** Stripe accepts up to 250 invoice items per invoice. */
export const MAX_INVOICE_ITEMS = 250;

export interface Charge {
  postingId: string;
  jobId: string;
  at: string;
  microUsd: number;
  description: string;
}

export interface InvoiceLine {
  /** Stable id of the line within its invoice; the idempotency of adding it hangs on this. */
  key: string;
  description: string;
  cents: number;
  microUsd: number;
  jobIds: string[];
  periodStart: string;
  periodEnd: string;
}

const roundCents = (micro: number): number => (micro >= 0 ? mulDiv(micro, 1, MICRO_PER_CENT) : -mulDiv(-micro, 1, MICRO_PER_CENT));

const duration = (seconds: number): string => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s` : `${m}m ${String(s).padStart(2, '0')}s`;
};

/** The charge a settle posting made to an invoice tenant (its unbilled debit). */
export const chargeOf = (posting: Posting, tenantId: string): Charge | undefined => {
  const unbilled = posting.entries.find((e) => e.account === `tenant:${tenantId}:unbilled`);
  if (!unbilled || unbilled.amountMicroUsd === 0 || !posting.jobId) return undefined;
  const d = posting.details ?? {};
  const what = d.gpuModel ? `${d.gpuModel} ×${d.gpuCount} · ${duration(Number(d.billedSeconds ?? 0))}` : 'GPU usage';
  return { postingId: posting.id, jobId: posting.jobId, at: posting.at, microUsd: unbilled.amountMicroUsd, description: `Job ${posting.jobId} · ${what} · ${d.jobStatus ?? 'finished'}` };
};

const byDay = (charges: Charge[]): Map<string, Charge[]> => {
  const days = new Map<string, Charge[]>();
  for (const c of charges) days.set(c.at.slice(0, 10), [...(days.get(c.at.slice(0, 10)) ?? []), c]);
  return days;
};

export const invoiceLines = (charges: Charge[]): InvoiceLine[] => {
  const sorted = [...charges].sort((a, b) => a.at.localeCompare(b.at) || a.jobId.localeCompare(b.jobId));
  const groups =
    sorted.length <= MAX_INVOICE_ITEMS
      ? sorted.map((c) => ({ key: c.jobId, description: c.description, charges: [c] }))
      : [...byDay(sorted)].map(([day, cs]) => ({ key: day, description: `GPU jobs on ${day} (${cs.length} jobs)`, charges: cs }));
  let running = 0;
  let billed = 0;
  return groups.map((g) => {
    const micro = g.charges.reduce((s, c) => s + c.microUsd, 0);
    running += micro;
    const cents = roundCents(running) - billed;
    billed += cents;
    return {
      key: g.key,
      description: g.description,
      cents,
      microUsd: micro,
      jobIds: g.charges.map((c) => c.jobId),
      periodStart: g.charges[0]!.at,
      periodEnd: g.charges[g.charges.length - 1]!.at,
    };
  });
};

export const totalCents = (lines: InvoiceLine[]): number => lines.reduce((s, l) => s + l.cents, 0);
