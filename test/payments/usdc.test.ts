// USDC deposits verified by the real @solana/kit and viem clients against local JSON-RPC
// fakes, credited to the real ledger on DynamoDB Local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentRejectedError } from '../../src/money/errors.js';
import { trialBalance } from '../../src/money/invariants.js';
import { BaseUsdcVerifier } from '../../src/payments/base-verifier.js';
import { SolanaUsdcVerifier } from '../../src/payments/solana-verifier.js';
import { creditUsdcDeposit, type UsdcPaymentDeps } from '../../src/payments/usdc-payments.js';
import { USDC_BASE_CONTRACT, USDC_SOLANA_MINT, type Chain } from '../../src/payments/usdc.js';
import { startBaseFake, randomEvmAddress } from '../support/fakes/base-rpc-fake.js';
import { moneyTable, setTerms } from '../support/fakes/ledger-table.js';
import { randomSignature, randomSolanaAddress, startSolanaFake } from '../support/fakes/solana-rpc-fake.js';

let table: Awaited<ReturnType<typeof moneyTable>>;
let solana: Awaited<ReturnType<typeof startSolanaFake>>;
let baseNode: Awaited<ReturnType<typeof startBaseFake>>;
let deps: UsdcPaymentDeps;
const solTreasury = randomSolanaAddress();
const baseTreasury = randomEvmAddress();
const solWallet = randomSolanaAddress();
const baseWallet = randomEvmAddress();

beforeAll(async () => {
  [table, solana, baseNode] = await Promise.all([moneyTable(), startSolanaFake(), startBaseFake()]);
  deps = {
    ledger: table.ledger,
    billing: table.billing,
    clock: { now: () => new Date() },
    verifiers: {
      solana: new SolanaUsdcVerifier({ rpcUrl: solana.url, treasury: solTreasury }),
      base: new BaseUsdcVerifier({ rpcUrl: baseNode.url, treasury: baseTreasury, confirmations: 10 }),
    },
  };
  await setTerms(table.billing, 'alice', { mode: 'prepaid', wallets: { solana: [solWallet], base: [baseWallet.toUpperCase().replace('0X', '0x')] } });
  await setTerms(table.billing, 'mallory', { mode: 'prepaid', wallets: { solana: [randomSolanaAddress()], base: [randomEvmAddress()] } });
  await setTerms(table.billing, 'invoiced', { mode: 'invoice', wallets: { solana: [solWallet] } });
});
afterAll(async () => {
  await Promise.all([solana.stop(), baseNode.stop()]);
  table.close();
});

const rejection = async (tenant: string, chain: Chain, tx: string) => {
  try {
    await creditUsdcDeposit(deps, tenant, chain, tx);
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentRejectedError);
    return { slug: (error as PaymentRejectedError).slug, status: (error as PaymentRejectedError).status };
  }
  throw new Error('expected the deposit to be rejected');
};

describe('USDC on Solana', () => {
  it('credits a finalized USDC transfer to the treasury once, ever', async () => {
    const sig = solana.add({ payer: solWallet, transfers: [{ toOwner: solTreasury, amount: 25_000_000n, mint: USDC_SOLANA_MINT }] });
    const credited = await creditUsdcDeposit(deps, 'alice', 'solana', sig);
    expect(credited).toMatchObject({ creditedMicroUsd: 25_000_000, availableMicroUsd: 25_000_000, payer: solWallet });
    expect(await rejection('alice', 'solana', sig)).toEqual({ slug: 'already-credited', status: 409 });
    expect(await rejection('mallory', 'solana', sig)).toEqual({ slug: 'already-credited', status: 409 });
  });

  it('credits only what reached the treasury when a transaction pays two recipients', async () => {
    const sig = solana.add({
      payer: solWallet,
      transfers: [
        { toOwner: solTreasury, amount: 3_000_000n, mint: USDC_SOLANA_MINT },
        { toOwner: randomSolanaAddress(), amount: 97_000_000n, mint: USDC_SOLANA_MINT },
      ],
    });
    expect((await creditUsdcDeposit(deps, 'alice', 'solana', sig)).creditedMicroUsd).toBe(3_000_000);
  });

  it('refuses the wrong mint, another recipient, a failed transaction and an unknown payer, crediting nothing', async () => {
    const fakeUsdc = randomSolanaAddress();
    const wrongMint = solana.add({ payer: solWallet, transfers: [{ toOwner: solTreasury, amount: 5_000_000n, mint: fakeUsdc }] });
    const elsewhere = solana.add({ payer: solWallet, transfers: [{ toOwner: randomSolanaAddress(), amount: 5_000_000n, mint: USDC_SOLANA_MINT }] });
    const failed = solana.add({ payer: solWallet, failed: true, transfers: [{ toOwner: solTreasury, amount: 5_000_000n, mint: USDC_SOLANA_MINT }] });
    const stranger = solana.add({ payer: randomSolanaAddress(), transfers: [{ toOwner: solTreasury, amount: 5_000_000n, mint: USDC_SOLANA_MINT }] });
    const before = await table.ledger.allBalances();
    expect(await rejection('alice', 'solana', wrongMint)).toEqual({ slug: 'wrong-token', status: 422 });
    expect(await rejection('alice', 'solana', elsewhere)).toEqual({ slug: 'not-to-treasury', status: 422 });
    expect(await rejection('alice', 'solana', failed)).toEqual({ slug: 'transaction-failed', status: 422 });
    expect(await rejection('alice', 'solana', stranger)).toEqual({ slug: 'payer-not-registered', status: 422 });
    expect(await rejection('alice', 'solana', randomSignature())).toEqual({ slug: 'transaction-not-found', status: 422 });
    expect(await rejection('alice', 'solana', 'not-a-signature')).toEqual({ slug: 'invalid-transaction', status: 400 });
    expect(await rejection('invoiced', 'solana', stranger)).toEqual({ slug: 'not-prepaid', status: 409 });
    expect(await table.ledger.allBalances()).toEqual(before);
  });

  it('waits for finality: confirmed is not enough', async () => {
    const sig = solana.add({ payer: solWallet, finalized: false, transfers: [{ toOwner: solTreasury, amount: 1_000_000n, mint: USDC_SOLANA_MINT }] });
    expect(await rejection('alice', 'solana', sig)).toEqual({ slug: 'not-final', status: 409 });
    solana.finalize(sig);
    expect((await creditUsdcDeposit(deps, 'alice', 'solana', sig)).creditedMicroUsd).toBe(1_000_000);
  });
});

describe('USDC on Base', () => {
  it('credits a confirmed Transfer from the official contract once, whatever the hash case', async () => {
    const hash = baseNode.add({ from: baseWallet, transfers: [{ token: USDC_BASE_CONTRACT, from: baseWallet, to: baseTreasury, value: 40_000_000n }] });
    baseNode.mine(9); // 10 confirmations counting its own block
    const credited = await creditUsdcDeposit(deps, 'alice', 'base', hash.toUpperCase().replace('0X', '0x'));
    expect(credited).toMatchObject({ creditedMicroUsd: 40_000_000, tx: hash, payer: baseWallet.toLowerCase() });
    expect(await rejection('alice', 'base', hash)).toEqual({ slug: 'already-credited', status: 409 });
  });

  it('refuses too few confirmations until the chain moves on, and a pending transaction', async () => {
    const hash = baseNode.add({ from: baseWallet, transfers: [{ token: USDC_BASE_CONTRACT, from: baseWallet, to: baseTreasury, value: 2_000_000n }] });
    baseNode.mine(3);
    expect(await rejection('alice', 'base', hash)).toEqual({ slug: 'not-final', status: 409 });
    const pending = baseNode.add({ from: baseWallet, pending: true, transfers: [{ token: USDC_BASE_CONTRACT, from: baseWallet, to: baseTreasury, value: 2_000_000n }] });
    expect(await rejection('alice', 'base', pending)).toEqual({ slug: 'not-final', status: 409 });
    baseNode.mine(10);
    expect((await creditUsdcDeposit(deps, 'alice', 'base', hash)).creditedMicroUsd).toBe(2_000_000);
  });

  it('refuses a look-alike token, another recipient, a revert and an unknown payer; splits two recipients', async () => {
    const lookAlike = baseNode.add({ from: baseWallet, transfers: [{ token: randomEvmAddress(), from: baseWallet, to: baseTreasury, value: 9_000_000n }] });
    const elsewhere = baseNode.add({ from: baseWallet, transfers: [{ token: USDC_BASE_CONTRACT, from: baseWallet, to: randomEvmAddress(), value: 9_000_000n }] });
    const reverted = baseNode.add({ from: baseWallet, reverted: true, transfers: [{ token: USDC_BASE_CONTRACT, from: baseWallet, to: baseTreasury, value: 9_000_000n }] });
    const stranger = randomEvmAddress();
    const notOurs = baseNode.add({ from: stranger, transfers: [{ token: USDC_BASE_CONTRACT, from: stranger, to: baseTreasury, value: 9_000_000n }] });
    const split = baseNode.add({
      from: baseWallet,
      transfers: [
        { token: USDC_BASE_CONTRACT, from: baseWallet, to: randomEvmAddress(), value: 50_000_000n },
        { token: USDC_BASE_CONTRACT, from: baseWallet, to: baseTreasury, value: 7_500_000n },
      ],
    });
    baseNode.mine(20);
    const before = await table.ledger.allBalances();
    expect(await rejection('alice', 'base', lookAlike)).toEqual({ slug: 'wrong-token', status: 422 });
    expect(await rejection('alice', 'base', elsewhere)).toEqual({ slug: 'not-to-treasury', status: 422 });
    expect(await rejection('alice', 'base', reverted)).toEqual({ slug: 'transaction-failed', status: 422 });
    expect(await rejection('alice', 'base', notOurs)).toEqual({ slug: 'payer-not-registered', status: 422 });
    expect(await rejection('alice', 'base', '0x1234')).toEqual({ slug: 'invalid-transaction', status: 400 });
    expect(await table.ledger.allBalances()).toEqual(before);
    expect((await creditUsdcDeposit(deps, 'alice', 'base', split)).creditedMicroUsd).toBe(7_500_000);
  });

  it('keeps the books balanced: the treasury holds what tenants were credited', async () => {
    const balances = await table.ledger.allBalances();
    expect(trialBalance(balances)).toBe(0);
    expect(balances['treasury:usdc:solana']).toBe(29_000_000);
    expect(balances['treasury:usdc:base']).toBe(49_500_000);
    expect(balances['tenant:alice:available']).toBe(-78_500_000);
  });
});
