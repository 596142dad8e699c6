import { describe, expect, it } from 'vitest';
import { decodeFunctionData, erc20Abi } from 'viem';
import { providerStatement } from '../../src/money/provider-statement.js';
import { buildPayoutBatch } from '../../src/payments/payout-batch.js';
import { USDC_BASE_CONTRACT, USDC_SOLANA_MINT } from '../../src/payments/usdc.js';
import { randomEvmAddress } from '../support/fakes/base-rpc-fake.js';
import { randomSolanaAddress } from '../support/fakes/solana-rpc-fake.js';

describe('USDC payout batch', () => {
  it('pays what each USDC network is owed, unsigned, and nothing to networks paid otherwise', async () => {
    const baseNet = randomEvmAddress();
    const solNet = randomSolanaAddress();
    const treasury = randomSolanaAddress();
    const statements = [
      providerStatement('nosana', -12_345_678, []),
      providerStatement('akash', -2_000_000, []),
      providerStatement('aws-batch', -99_000_000, []), // a cloud, paid by card: not in the batch
      providerStatement('vastai', 0, []),
    ];
    const batch = await buildPayoutBatch(statements, { nosana: { chain: 'solana', address: solNet }, akash: { chain: 'base', address: baseNet }, vastai: { chain: 'base', address: baseNet } }, { solana: treasury });
    expect(batch.totalMicroUsd).toBe(14_345_678);

    const [tx] = batch.base!.transactions;
    expect(batch.base!.chainId).toBe(8453);
    expect(tx).toMatchObject({ provider: 'akash', to: USDC_BASE_CONTRACT, value: '0', amountMicroUsd: 2_000_000 });
    const call = decodeFunctionData({ abi: erc20Abi, data: tx!.data as `0x${string}` });
    expect(call.functionName).toBe('transfer');
    expect(call.args).toEqual([expect.stringMatching(new RegExp(baseNet.slice(2), 'i')), 2_000_000n]);

    const [ix] = batch.solana!.instructions;
    const data = Buffer.from(ix!.dataBase64, 'base64');
    expect([data[0], data.readBigUInt64LE(1), data[9]]).toEqual([12, 12_345_678n, 6]); // transferChecked, amount, decimals
    expect(ix!.accounts.map((a) => a.role)).toEqual(['writable', 'readonly', 'writable', 'signer']);
    expect(ix!.accounts[1]!.address).toBe(USDC_SOLANA_MINT);
    expect(ix!.accounts[3]!.address).toBe(treasury);
    expect(ix!.accounts[0]!.address).not.toBe(ix!.accounts[2]!.address); // the treasury's and the network's token accounts
  });
});
