// A fake Solana JSON-RPC node answering getTransaction(jsonParsed) with the shape mainnet
// returns: meta with err, fee, lamport and token balances (pre/post, with owner, mint,
// uiTokenAmount), and a parsed message with an spl-token transferChecked per transfer.
import { randomBytes } from 'node:crypto';
import { getBase58Decoder } from '@solana/kit';
import { startJsonRpc, RpcError } from './json-rpc.js';

export const randomSolanaAddress = (): string => getBase58Decoder().decode(randomBytes(32));
export const randomSignature = (): string => getBase58Decoder().decode(randomBytes(64));

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

export interface SplTransfer {
  toOwner: string;
  amount: bigint;
  mint: string;
}

export interface FakeSolanaTx {
  payer: string;
  transfers: SplTransfer[];
  /** Seen at "confirmed" only until finalized. */
  finalized?: boolean;
  failed?: boolean;
}

export const startSolanaFake = async () => {
  const txs = new Map<string, { tx: FakeSolanaTx; body: unknown }>();
  const rpc = await startJsonRpc((method, params) => {
    if (method !== 'getTransaction') throw new RpcError(-32601, `Method not found: ${method}`);
    const [sig, config] = params as [string, { commitment?: string; encoding?: string; maxSupportedTransactionVersion?: number }];
    if (config?.encoding !== 'jsonParsed') throw new RpcError(-32602, 'the fake only serves jsonParsed');
    if (config.maxSupportedTransactionVersion === undefined) throw new RpcError(-32015, 'Transaction version (0) is not supported by the requesting client.');
    const entry = txs.get(sig);
    if (!entry) return null;
    // Like a real node, no commitment means finalized (@solana/kit leaves the default out).
    if ((config.commitment ?? 'finalized') === 'finalized' && entry.tx.finalized === false) return null;
    return entry.body;
  });

  const add = (tx: FakeSolanaTx): string => {
    const sig = randomSignature();
    const slot = 312_000_000 + txs.size;
    // Token accounts: the payer's source per mint, then one destination per transfer.
    const mints = [...new Set(tx.transfers.map((t) => t.mint))];
    const sources = mints.map((mint) => ({ account: randomSolanaAddress(), owner: tx.payer, mint }));
    const dests = tx.transfers.map((t) => ({ account: randomSolanaAddress(), owner: t.toOwner, mint: t.mint, amount: t.amount }));
    const accountKeys = [
      { pubkey: tx.payer, signer: true, source: 'transaction', writable: true },
      ...sources.map((s) => ({ pubkey: s.account, signer: false, source: 'transaction', writable: true })),
      ...dests.map((d) => ({ pubkey: d.account, signer: false, source: 'transaction', writable: true })),
      { pubkey: TOKEN_PROGRAM, signer: false, source: 'transaction', writable: false },
    ];
    const ui = (amount: bigint) => ({ amount: amount.toString(), decimals: 6, uiAmount: Number(amount) / 1e6, uiAmountString: (Number(amount) / 1e6).toString() });
    const startBalance = 1_000_000_000n;
    const spent = (mint: string) => (tx.failed ? 0n : tx.transfers.filter((t) => t.mint === mint).reduce((s, t) => s + t.amount, 0n));
    const pre = [
      ...sources.map((s, i) => ({ accountIndex: 1 + i, mint: s.mint, owner: s.owner, programId: TOKEN_PROGRAM, uiTokenAmount: ui(startBalance) })),
      ...dests.map((d, i) => ({ accountIndex: 1 + sources.length + i, mint: d.mint, owner: d.owner, programId: TOKEN_PROGRAM, uiTokenAmount: ui(0n) })),
    ];
    const post = [
      ...sources.map((s, i) => ({ accountIndex: 1 + i, mint: s.mint, owner: s.owner, programId: TOKEN_PROGRAM, uiTokenAmount: ui(startBalance - spent(s.mint)) })),
      ...dests.map((d, i) => ({ accountIndex: 1 + sources.length + i, mint: d.mint, owner: d.owner, programId: TOKEN_PROGRAM, uiTokenAmount: ui(tx.failed ? 0n : d.amount) })),
    ];
    const body = {
      slot,
      blockTime: Math.floor(Date.now() / 1000),
      version: 0,
      meta: {
        err: tx.failed ? { InstructionError: [0, { Custom: 1 }] } : null,
        status: tx.failed ? { Err: { InstructionError: [0, { Custom: 1 }] } } : { Ok: null },
        fee: 5000,
        preBalances: accountKeys.map(() => 2_039_280),
        postBalances: accountKeys.map((_, i) => (i === 0 ? 2_034_280 : 2_039_280)),
        preTokenBalances: pre,
        postTokenBalances: post,
        innerInstructions: [],
        logMessages: [`Program ${TOKEN_PROGRAM} invoke [1]`, tx.failed ? `Program ${TOKEN_PROGRAM} failed: custom program error: 0x1` : `Program ${TOKEN_PROGRAM} success`],
        rewards: [],
        loadedAddresses: { readonly: [], writable: [] },
        computeUnitsConsumed: 6200,
      },
      transaction: {
        signatures: [sig],
        message: {
          accountKeys,
          recentBlockhash: randomSolanaAddress(),
          addressTableLookups: [],
          instructions: tx.transfers.map((t, i) => ({
            program: 'spl-token',
            programId: TOKEN_PROGRAM,
            stackHeight: null,
            parsed: {
              type: 'transferChecked',
              info: {
                authority: tx.payer,
                source: sources.find((s) => s.mint === t.mint)!.account,
                destination: dests[i]!.account,
                mint: t.mint,
                tokenAmount: ui(t.amount),
              },
            },
          })),
        },
      },
    };
    txs.set(sig, { tx, body });
    return sig;
  };

  return {
    url: rpc.url,
    calls: rpc.calls,
    add,
    finalize: (sig: string) => {
      txs.get(sig)!.tx.finalized = true;
    },
    stop: rpc.stop,
  };
};
