// Verifies a USDC deposit on Solana through JSON-RPC getTransaction (jsonParsed), using
// the token balances the runtime recorded before and after the transaction: they show
// what each owner's USDC did, whatever instructions (transfer, transferChecked, a CPI)
// moved it. Only the finalized commitment counts; a transaction seen only at "confirmed"
// is reported as not yet final.
import { createSolanaRpc, isSignature, signature, type Signature } from '@solana/kit';
import { PaymentRejectedError } from '../money/errors.js';
import { USDC_DECIMALS, USDC_SOLANA_MINT, type ChainVerifier, type VerifiedDeposit } from './usdc.js';

export interface SolanaVerifierConfig {
  rpcUrl: string;
  /** The treasury wallet (token account owner) deposits must reach. */
  treasury: string;
  /** Only for devnet/testing; mainnet is Circle's mint. */
  mint?: string;
}

interface Balance {
  mint: string;
  owner?: string;
  uiTokenAmount: { amount: string; decimals: number | bigint };
}

const reject = (slug: string, status: 400 | 409 | 422, title: string, detail: string, extra: Record<string, unknown> = {}) =>
  new PaymentRejectedError(slug, status, title, detail, extra);

export class SolanaUsdcVerifier implements ChainVerifier {
  readonly chain = 'solana' as const;
  private readonly rpc;
  private readonly mint: string;

  constructor(private readonly config: SolanaVerifierConfig) {
    this.rpc = createSolanaRpc(config.rpcUrl);
    this.mint = config.mint ?? USDC_SOLANA_MINT;
  }

  canonicalTx(tx: string): string | undefined {
    return isSignature(tx) ? tx : undefined;
  }

  async verify(tx: string): Promise<VerifiedDeposit> {
    const sig: Signature = signature(tx);
    const read = (commitment: 'finalized' | 'confirmed') =>
      this.rpc.getTransaction(sig, { commitment, encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 }).send();
    const found = await read('finalized');
    if (!found) {
      if (await read('confirmed')) throw reject('not-final', 409, 'Transaction not final yet', 'The transaction is confirmed but not finalized on Solana; try again in a minute.');
      throw reject('transaction-not-found', 422, 'Transaction not found', 'Solana has no transaction with this signature.');
    }
    const meta = found.meta;
    if (!meta) throw reject('transaction-unreadable', 422, 'Transaction has no status', 'The RPC returned the transaction without its status metadata.');
    if (meta.err !== null) throw reject('transaction-failed', 422, 'Transaction failed', 'The transaction failed on chain; nothing was transferred.', { chainError: JSON.stringify(meta.err, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) });

    const deltas = new Map<string, bigint>(); // `${owner}|${mint}` → post − pre (raw units)
    const add = (balances: readonly Balance[] | undefined, sign: bigint) => {
      for (const b of balances ?? []) {
        if (b.mint === this.mint && Number(b.uiTokenAmount.decimals) !== USDC_DECIMALS) continue; // not a real USDC balance
        const key = `${b.owner ?? '?'}|${b.mint}`;
        deltas.set(key, (deltas.get(key) ?? 0n) + sign * BigInt(b.uiTokenAmount.amount));
      }
    };
    add(meta.preTokenBalances as readonly Balance[] | undefined, -1n);
    add(meta.postTokenBalances as readonly Balance[] | undefined, 1n);

    const received = deltas.get(`${this.config.treasury}|${this.mint}`) ?? 0n;
    if (received <= 0n) {
      const otherToken = [...deltas].some(([key, d]) => key.startsWith(`${this.config.treasury}|`) && d > 0n);
      if (otherToken) throw reject('wrong-token', 422, 'Not USDC', `The transaction paid the treasury in a token other than USDC (mint ${this.mint}).`);
      throw reject('not-to-treasury', 422, 'Not paid to the treasury', `No USDC reached the treasury ${this.config.treasury} in this transaction.`);
    }
    const payers = [...deltas].filter(([key, d]) => key.endsWith(`|${this.mint}`) && d < 0n).map(([key]) => key.split('|')[0]!);
    if (received > BigInt(Number.MAX_SAFE_INTEGER)) throw reject('amount-too-large', 422, 'Amount too large', 'The deposit is larger than the ledger accepts in one posting.');
    return { chain: 'solana', tx, amountMicroUsd: Number(received), payers };
  }
}
