// Verifies a USDC deposit on Base through JSON-RPC: the receipt must exist and have
// succeeded, the official USDC contract must have emitted ERC-20 Transfer logs to the
// treasury (a transfer by any other contract, even one calling itself "USDC", does not
// count), and the block must have enough confirmations.
import {
  createPublicClient,
  erc20Abi,
  http,
  parseEventLogs,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  type Hash,
  type PublicClient,
} from 'viem';
import { base } from 'viem/chains';
import { PaymentRejectedError } from '../money/errors.js';
import { BASE_CHAIN_ID, USDC_BASE_CONTRACT, type ChainVerifier, type VerifiedDeposit } from './usdc.js';

export interface BaseVerifierConfig {
  rpcUrl: string;
  treasury: string;
  /**
   * Blocks on top of the transaction's before it counts. Base produces a block every 2 s;
   * the default (~1 minute) makes a reorg of the sequencer's chain practically impossible.
   */
  confirmations?: number;
  /** Only for testnets; mainnet is Circle's native USDC. */
  contract?: string;
}

export const DEFAULT_BASE_CONFIRMATIONS = 30;

const reject = (slug: string, status: 400 | 409 | 422, title: string, detail: string, extra: Record<string, unknown> = {}) =>
  new PaymentRejectedError(slug, status, title, detail, extra);

export class BaseUsdcVerifier implements ChainVerifier {
  readonly chain = 'base' as const;
  private readonly client: PublicClient;
  private readonly contract: string;
  private chainChecked = false;

  constructor(private readonly config: BaseVerifierConfig) {
    this.client = createPublicClient({ chain: base, transport: http(config.rpcUrl, { retryCount: 1 }) }) as PublicClient;
    this.contract = (config.contract ?? USDC_BASE_CONTRACT).toLowerCase();
  }

  canonicalTx(tx: string): string | undefined {
    return /^0x[0-9a-fA-F]{64}$/.test(tx) ? tx.toLowerCase() : undefined;
  }

  async verify(tx: string): Promise<VerifiedDeposit> {
    await this.checkChain();
    const hash = tx as Hash;
    let receipt;
    try {
      receipt = await this.client.getTransactionReceipt({ hash });
    } catch (error) {
      if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
      throw (await this.pending(hash))
        ? reject('not-final', 409, 'Transaction not mined yet', 'The transaction is pending on Base; try again once it is in a block.')
        : reject('transaction-not-found', 422, 'Transaction not found', 'Base has no transaction with this hash.');
    }
    if (receipt.status !== 'success') throw reject('transaction-failed', 422, 'Transaction failed', 'The transaction reverted on Base; nothing was transferred.');

    const transfers = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: receipt.logs });
    const treasury = this.config.treasury.toLowerCase();
    const toTreasury = transfers.filter((l) => l.args.to.toLowerCase() === treasury);
    const usdc = toTreasury.filter((l) => l.address.toLowerCase() === this.contract);
    if (usdc.length === 0) {
      if (toTreasury.length > 0) throw reject('wrong-token', 422, 'Not USDC', `The transaction paid the treasury with token ${toTreasury[0]!.address}, not USDC (${USDC_BASE_CONTRACT}).`);
      throw reject('not-to-treasury', 422, 'Not paid to the treasury', `No USDC reached the treasury ${this.config.treasury} in this transaction.`);
    }
    const required = BigInt(this.config.confirmations ?? DEFAULT_BASE_CONFIRMATIONS);
    const confirmations = (await this.client.getBlockNumber({ cacheTime: 0 })) - receipt.blockNumber + 1n;
    if (confirmations < required) {
      throw reject('not-final', 409, 'Transaction not final yet', `The transaction has ${confirmations} confirmations; ${required} are required. Try again shortly.`, {
        confirmations: Number(confirmations),
        requiredConfirmations: Number(required),
      });
    }
    const amount = usdc.reduce((s, l) => s + l.args.value, 0n);
    if (amount > BigInt(Number.MAX_SAFE_INTEGER)) throw reject('amount-too-large', 422, 'Amount too large', 'The deposit is larger than the ledger accepts in one posting.');
    return { chain: 'base', tx: tx.toLowerCase(), amountMicroUsd: Number(amount), payers: [...new Set(usdc.map((l) => l.args.from.toLowerCase()))] };
  }

  /** A misconfigured RPC URL (another chain) must not credit anyone. */
  private async checkChain(): Promise<void> {
    if (this.chainChecked) return;
    const id = await this.client.getChainId();
    if (id !== BASE_CHAIN_ID) throw new Error(`the Base RPC endpoint serves chain ${id}, not Base (${BASE_CHAIN_ID})`);
    this.chainChecked = true;
  }

  private async pending(hash: Hash): Promise<boolean> {
    try {
      await this.client.getTransaction({ hash });
      return true;
    } catch (error) {
      if (error instanceof TransactionNotFoundError) return false;
      throw error;
    }
  }
}
