// Unsigned USDC payouts to the networks Switchyard pays in USDC. The treasury signs and
// sends them with its own key (Switchyard never holds it): on Base as a Safe-style batch
// of ERC-20 transfer calls, on Solana as spl-token transferChecked instructions between
// associated token accounts. Recording the payout in the ledger (payable → treasury)
// happens when the transfer is seen on chain, like a deposit.
import { address, getAddressEncoder, getProgramDerivedAddress } from '@solana/kit';
import { encodeFunctionData, erc20Abi, type Address } from 'viem';
import type { ProviderStatement } from '../money/provider-statement.js';
import { BASE_CHAIN_ID, USDC_BASE_CONTRACT, USDC_DECIMALS, USDC_SOLANA_MINT, type Chain } from './usdc.js';

export type PayoutTargets = Record<string, { chain: Chain; address: string }>;

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const ASSOCIATED_TOKEN_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
const TRANSFER_CHECKED = 12;

export interface PayoutBatch {
  base?: { chainId: number; transactions: { provider: string; to: string; value: '0'; data: string; amountMicroUsd: number }[] };
  solana?: {
    instructions: {
      provider: string;
      programAddress: string;
      accounts: { address: string; role: 'writable' | 'readonly' | 'signer' }[];
      dataBase64: string;
      amountMicroUsd: number;
    }[];
  };
  totalMicroUsd: number;
}

const ata = async (owner: string, mint: string): Promise<string> => {
  const enc = getAddressEncoder();
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(ASSOCIATED_TOKEN_PROGRAM),
    seeds: [enc.encode(address(owner)), enc.encode(address(TOKEN_PROGRAM)), enc.encode(address(mint))],
  });
  return pda;
};

const transferCheckedData = (amount: number): string => {
  const data = Buffer.alloc(10);
  data.writeUInt8(TRANSFER_CHECKED, 0);
  data.writeBigUInt64LE(BigInt(amount), 1);
  data.writeUInt8(USDC_DECIMALS, 9);
  return data.toString('base64');
};

export const buildPayoutBatch = async (statements: ProviderStatement[], targets: PayoutTargets, treasury: { solana?: string }): Promise<PayoutBatch> => {
  const batch: PayoutBatch = { totalMicroUsd: 0 };
  for (const s of statements) {
    const target = targets[s.provider];
    if (!target || s.owedMicroUsd <= 0) continue; // paid some other way (cloud invoice), or nothing owed
    batch.totalMicroUsd += s.owedMicroUsd;
    if (target.chain === 'base') {
      batch.base ??= { chainId: BASE_CHAIN_ID, transactions: [] };
      batch.base.transactions.push({
        provider: s.provider,
        to: USDC_BASE_CONTRACT,
        value: '0',
        data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [target.address as Address, BigInt(s.owedMicroUsd)] }),
        amountMicroUsd: s.owedMicroUsd,
      });
    } else {
      if (!treasury.solana) throw new Error('a Solana payout needs the treasury wallet configured');
      batch.solana ??= { instructions: [] };
      batch.solana.instructions.push({
        provider: s.provider,
        programAddress: TOKEN_PROGRAM,
        accounts: [
          { address: await ata(treasury.solana, USDC_SOLANA_MINT), role: 'writable' },
          { address: USDC_SOLANA_MINT, role: 'readonly' },
          { address: await ata(target.address, USDC_SOLANA_MINT), role: 'writable' },
          { address: treasury.solana, role: 'signer' },
        ],
        dataBase64: transferCheckedData(s.owedMicroUsd),
        amountMicroUsd: s.owedMicroUsd,
      });
    }
  }
  return batch;
};
