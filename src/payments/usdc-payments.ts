// Crediting a USDC deposit: the tenant must be prepaid and must have registered the wallet
// it pays from (otherwise anyone could claim someone else's transfer to the treasury by
// submitting its hash first), the chain must confirm the transfer, and the ledger posting
// id is the chain and transaction, so a transaction credits one tenant, once, ever.
import type { Clock } from '../core/ports.js';
import type { BillingAccountStore } from '../money/billing-account.js';
import { PaymentRejectedError } from '../money/errors.js';
import { accounts, normalBalance, type LedgerStore } from '../money/ledger.js';
import { depositPosting } from '../money/postings.js';
import { sameWallet, type Chain, type ChainVerifier } from './usdc.js';

export interface UsdcPaymentDeps {
  ledger: LedgerStore;
  billing: BillingAccountStore;
  verifiers: Partial<Record<Chain, ChainVerifier>>;
  clock: Clock;
}

export interface CreditedDeposit {
  chain: Chain;
  tx: string;
  creditedMicroUsd: number;
  availableMicroUsd: number;
  payer: string;
}

const alreadyCredited = (chain: Chain, tx: string) =>
  new PaymentRejectedError('already-credited', 409, 'Already credited', `Transaction ${tx} on ${chain} was already credited; a transaction credits once.`);

export const creditUsdcDeposit = async (deps: UsdcPaymentDeps, tenantId: string, chain: Chain, rawTx: string): Promise<CreditedDeposit> => {
  const verifier = deps.verifiers[chain];
  if (!verifier) throw new PaymentRejectedError('chain-not-configured', 422, 'Chain not accepted', `USDC deposits on ${chain} are not configured on this deployment.`);
  const tx = verifier.canonicalTx(rawTx);
  if (!tx) throw new PaymentRejectedError('invalid-transaction', 400, 'Not a transaction id', `"${rawTx}" is not a ${chain} transaction ${chain === 'base' ? 'hash' : 'signature'}.`);
  const account = await deps.billing.get(tenantId);
  if (account.mode !== 'prepaid') throw new PaymentRejectedError('not-prepaid', 409, 'Tenant is billed by invoice', 'USDC deposits fund prepaid balances; this tenant pays by monthly invoice.');
  const wallets = account.wallets?.[chain] ?? [];
  if (wallets.length === 0) throw new PaymentRejectedError('wallet-not-registered', 422, 'No wallet registered', `Register the ${chain} wallet you pay from before sending deposits.`);
  const postingId = depositPosting({ tenantId, chain, tx, amountMicroUsd: 0, at: '', payer: '' }).id;
  if (await deps.ledger.getPosting(postingId)) throw alreadyCredited(chain, tx); // cheap check before any RPC call

  const deposit = await verifier.verify(tx);
  const payer = deposit.payers.find((p) => wallets.some((w) => sameWallet(chain, w, p)));
  if (!payer) {
    throw new PaymentRejectedError('payer-not-registered', 422, 'Paid from an unknown wallet', `The transfer came from ${deposit.payers.join(', ') || 'no identifiable wallet'}, which is not a wallet registered to this tenant.`);
  }
  const posted = await deps.ledger.post(depositPosting({ tenantId, chain, tx, amountMicroUsd: deposit.amountMicroUsd, at: deps.clock.now().toISOString(), payer }));
  if (!posted) throw alreadyCredited(chain, tx); // lost a race with a concurrent submit of the same tx
  const available = accounts.available(tenantId);
  const balance = (await deps.ledger.balances([available]))[available] ?? 0;
  return { chain, tx, creditedMicroUsd: deposit.amountMicroUsd, availableMicroUsd: normalBalance(available, balance), payer };
};
