// USDC deposits: the official token on each chain, what a verified transfer is, and the
// port each chain's verifier implements. USDC has 6 decimals, so one raw unit is exactly
// one µUSD: amounts move from chain to ledger without any conversion.

export const CHAINS = ['solana', 'base'] as const;
export type Chain = (typeof CHAINS)[number];

/**
 * Circle's USDC. Solana mainnet mint and the native USDC contract on Base (chain id 8453);
 * both verified against Circle/issuer token lists. Note: the Solana mint is
 * EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v (a different string sometimes quoted is not it).
 */
export const USDC_SOLANA_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const USDC_BASE_CONTRACT = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913';
export const BASE_CHAIN_ID = 8453;
export const USDC_DECIMALS = 6;

export interface VerifiedDeposit {
  chain: Chain;
  /** The canonical transaction id (Base hashes lower-cased; Solana signatures as given). */
  tx: string;
  /** What reached the treasury in this transaction, in µUSD (= raw USDC units). */
  amountMicroUsd: number;
  /** Wallets whose USDC went down in the transaction: who paid. */
  payers: string[];
}

export interface ChainVerifier {
  readonly chain: Chain;
  /** Canonical form of a transaction id, or undefined if it is not one on this chain. */
  canonicalTx(tx: string): string | undefined;
  /** Throws PaymentRejectedError unless the transaction is final, succeeded, and paid USDC to the treasury. */
  verify(tx: string): Promise<VerifiedDeposit>;
}

export const sameWallet = (chain: Chain, a: string, b: string): boolean => (chain === 'base' ? a.toLowerCase() === b.toLowerCase() : a === b);
