// The double-entry ledger's model: accounts, postings, and the port a store implements.
// Sign convention: an entry's amount is a debit when positive and a credit when negative;
// every posting's entries sum to zero, so the sum of all balances is always zero.
// Assets and expenses are debit-normal (their balance shows as is); liabilities and
// revenue are credit-normal (their balance shows negated), so a tenant's available
// balance of $10 is stored as −10_000_000 and shown as 10_000_000.

export type AccountKind = 'asset' | 'liability' | 'revenue' | 'expense';

export const accounts = {
  /** Prepaid money the tenant can spend (liability: we owe it to them). */
  available: (tenantId: string) => `tenant:${tenantId}:available`,
  /** Prepaid money set aside for running jobs. */
  holds: (tenantId: string) => `tenant:${tenantId}:holds`,
  /** Usage charged to an invoice tenant and not yet invoiced. */
  unbilled: (tenantId: string) => `tenant:${tenantId}:unbilled`,
  /** Invoiced and not yet paid. */
  receivable: (tenantId: string) => `tenant:${tenantId}:receivable`,
  revenue: 'platform:revenue',
  /** Sub-cent differences between the ledger (µUSD) and invoices (cents). */
  rounding: 'platform:rounding',
  providerCost: 'platform:provider-cost',
  /** Invoices Stripe voided: what the tenant was invoiced and no longer owes (contra-revenue). */
  creditNotes: 'platform:credit-notes',
  /** Invoices marked uncollectible: written off (bad debt), recovered if paid after all. */
  badDebt: 'platform:bad-debt',
  payable: (provider: string) => `provider:${provider}:payable`,
  usdcTreasury: (chain: string) => `treasury:usdc:${chain}`,
  stripeCash: 'treasury:stripe',
} as const;

export const accountKind = (account: string): AccountKind => {
  if (/^tenant:.+:(available|holds)$/.test(account)) return 'liability';
  if (/^tenant:.+:(unbilled|receivable)$/.test(account)) return 'asset';
  if (account.startsWith('provider:')) return 'liability';
  if (account.startsWith('treasury:')) return 'asset';
  if (account === accounts.revenue) return 'revenue';
  return 'expense'; // provider cost, rounding
};

/** A balance as a person reads it: positive means "has" for assets, "owes/holds" for liabilities. */
export const normalBalance = (account: string, signed: number): number => {
  const kind = accountKind(account);
  return kind === 'asset' || kind === 'expense' ? signed : 0 - signed; // 0 - x, not -x: no -0
};

export const tenantOfAccount = (account: string): string | undefined => /^tenant:(.+):[a-z]+$/.exec(account)?.[1];

export type PostingKind =
  | 'job.hold'
  | 'job.settle'
  | 'usdc.deposit'
  | 'invoice.issued'
  | 'invoice.paid'
  | 'invoice.voided'
  | 'invoice.uncollectible'
  | 'invoice.recovered';

export interface Entry {
  account: string;
  /** µUSD; positive = debit, negative = credit. */
  amountMicroUsd: number;
}

export interface Posting {
  /** The idempotency id: the same event always derives the same id, and it posts once. */
  id: string;
  kind: PostingKind;
  at: string;
  tenantId?: string;
  jobId?: string;
  memo: string;
  entries: Entry[];
  /** Facts that explain the posting (usage, chain tx, invoice id). */
  details?: Record<string, string | number | boolean>;
}

/** A condition the store checks atomically with the posting. */
export type Guard =
  /** The account's normal balance must stay ≥ min after the posting (no overdraft). */
  | { type: 'floor'; account: string; minNormal: number }
  /** Add delta to the tenant's committed spend for the month; refuse if it would exceed the limit. */
  | { type: 'budget'; tenantId: string; month: string; deltaMicroUsd: number; limitMicroUsd?: number };

export class UnbalancedPostingError extends Error {}

export class GuardFailedError extends Error {
  constructor(readonly guard: Guard) {
    super(guard.type === 'floor' ? `insufficient balance in ${guard.account}` : `monthly budget ${guard.month} exceeded`);
  }
}

/** Merge entries per account and drop zeros; throws unless the entries sum to zero. */
export const normalizeEntries = (entries: Entry[]): Entry[] => {
  const byAccount = new Map<string, number>();
  for (const e of entries) {
    if (!Number.isSafeInteger(e.amountMicroUsd)) throw new UnbalancedPostingError(`entry for ${e.account} is not an integer µUSD amount`);
    byAccount.set(e.account, (byAccount.get(e.account) ?? 0) + e.amountMicroUsd);
  }
  const merged = [...byAccount].filter(([, amount]) => amount !== 0).map(([account, amountMicroUsd]) => ({ account, amountMicroUsd }));
  const sum = merged.reduce((s, e) => s + e.amountMicroUsd, 0);
  if (sum !== 0) throw new UnbalancedPostingError(`posting entries sum to ${sum}, not 0`);
  return merged;
};

export interface PostingPage {
  items: Posting[];
  nextCursor?: string;
}

export interface LedgerStore {
  /** Post once: true if written now, false if a posting with this id already existed. Throws GuardFailedError. */
  post(posting: Posting, guards?: Guard[]): Promise<boolean>;
  getPosting(id: string): Promise<Posting | undefined>;
  /** Signed balances (debit-positive) of the given accounts; 0 for accounts never posted to. */
  balances(accountIds: string[]): Promise<Record<string, number>>;
  /** Every account's signed balance (for the trial balance and invariant checks). */
  allBalances(): Promise<Record<string, number>>;
  /** Committed spend (charged + reserved) of a tenant in a month. */
  budgetCommitted(tenantId: string, month: string): Promise<number>;
  /** A tenant's postings, newest first, optionally within [from, to). */
  tenantPostings(tenantId: string, opts: { from?: string; to?: string; kind?: PostingKind; limit?: number; cursor?: string }): Promise<PostingPage>;
  /** Postings touching an account (provider and tenant accounts are indexed), oldest first. */
  accountPostings(account: string, opts?: { from?: string; to?: string }): Promise<Posting[]>;
}
