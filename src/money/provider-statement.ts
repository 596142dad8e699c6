// What each network or cloud is owed: the balance of its payable account, and the job
// postings behind it, for reconciliation against the provider's own invoice or for a
// USDC payout.
import { accounts, normalBalance, type Posting } from './ledger.js';

export interface StatementLine {
  postingId: string;
  jobId?: string;
  at: string;
  amountMicroUsd: number;
}

export interface ProviderStatement {
  provider: string;
  /** Owed now (all time), in µUSD. */
  owedMicroUsd: number;
  /** Accrued within the statement's window. */
  periodMicroUsd: number;
  lines: StatementLine[];
}

export const providerStatement = (provider: string, signedBalance: number, postings: Posting[]): ProviderStatement => {
  const account = accounts.payable(provider);
  const lines = postings.flatMap((p) =>
    p.entries
      .filter((e) => e.account === account)
      .map((e) => ({ postingId: p.id, ...(p.jobId ? { jobId: p.jobId } : {}), at: p.at, amountMicroUsd: normalBalance(account, e.amountMicroUsd) })),
  );
  return {
    provider,
    owedMicroUsd: normalBalance(account, signedBalance),
    periodMicroUsd: lines.reduce((s, l) => s + l.amountMicroUsd, 0),
    lines,
  };
};

/** Provider names with a payable account, from a full balance listing. */
export const providersWithPayables = (balances: Record<string, number>): string[] =>
  Object.keys(balances)
    .flatMap((a) => /^provider:(.+):payable$/.exec(a)?.[1] ?? [])
    .sort();
