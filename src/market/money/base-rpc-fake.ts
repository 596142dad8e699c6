// A fake Base JSON-RPC node: eth_chainId (0x2105), eth_blockNumber, and receipts and
// transactions shaped as Base returns them, with ERC-20 Transfer logs (topic0 =
// keccak("Transfer(address,address,uint256)"), indexed from/to, value in data).
// Like a development node (Anvil, Hardhat) it also takes eth_sendTransaction from any account
// (all are "unlocked"): an ERC-20 transfer(address,uint256) call is mined at once into a new
// block, which is how a local user sends USDC to the treasury.
import { randomBytes } from 'node:crypto';
import { pad, toHex, type Address } from 'viem';
import { RpcError, startJsonRpc } from './json-rpc.js';

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
export const randomEvmAddress = (): Address => `0x${randomBytes(20).toString('hex')}` as Address;
const randomHash = () => `0x${randomBytes(32).toString('hex')}`;

export interface FakeTransfer {
  token: string;
  from: string;
  to: string;
  value: bigint;
}

export interface FakeBaseTx {
  from: string;
  transfers: FakeTransfer[];
  reverted?: boolean;
  /** Pending: known to the node, no receipt yet. */
  pending?: boolean;
  blockNumber?: bigint;
}

export const startBaseFake = async (chainId = 8453) => {
  let head = 30_000_000n;
  const txs = new Map<string, FakeBaseTx>();
  const receipt = (hash: string, tx: FakeBaseTx) => {
    const blockNumber = toHex(tx.blockNumber!);
    const blockHash = randomHash();
    return {
      blockHash,
      blockNumber,
      contractAddress: null,
      cumulativeGasUsed: '0x5208',
      effectiveGasPrice: '0xf4240',
      from: tx.from,
      gasUsed: '0xc350',
      logs: tx.reverted
        ? []
        : tx.transfers.map((t, i) => ({
            address: t.token,
            topics: [TRANSFER_TOPIC, pad(t.from as Address), pad(t.to as Address)],
            data: pad(toHex(t.value)),
            blockNumber,
            blockHash,
            transactionHash: hash,
            transactionIndex: '0x3',
            logIndex: toHex(i),
            removed: false,
          })),
      logsBloom: `0x${'0'.repeat(512)}`,
      status: tx.reverted ? '0x0' : '0x1',
      to: tx.transfers[0]?.token ?? null,
      transactionHash: hash,
      transactionIndex: '0x3',
      type: '0x2',
    };
  };
  const transaction = (hash: string, tx: FakeBaseTx) => ({
    hash,
    blockHash: tx.pending ? null : randomHash(),
    blockNumber: tx.pending ? null : toHex(tx.blockNumber!),
    transactionIndex: tx.pending ? null : '0x3',
    from: tx.from,
    to: tx.transfers[0]?.token ?? null,
    input: '0xa9059cbb',
    nonce: '0x7',
    value: '0x0',
    gas: '0x186a0',
    maxFeePerGas: '0x1dcd6500',
    maxPriorityFeePerGas: '0xf4240',
    type: '0x2',
    chainId: toHex(chainId),
    accessList: [],
    v: '0x1',
    r: randomHash(),
    s: randomHash(),
    yParity: '0x1',
  });
  const rpc = await startJsonRpc((method, params) => {
    switch (method) {
      case 'eth_chainId':
        return toHex(chainId);
      case 'eth_blockNumber':
        return toHex(head);
      case 'eth_getTransactionReceipt': {
        const hash = (params[0] as string).toLowerCase();
        const tx = txs.get(hash);
        return tx && !tx.pending ? receipt(hash, tx) : null;
      }
      case 'eth_getTransactionByHash': {
        const hash = (params[0] as string).toLowerCase();
        const tx = txs.get(hash);
        return tx ? transaction(hash, tx) : null;
      }
      case 'eth_sendTransaction': {
        const call = params[0] as { from?: string; to?: string; data?: string; input?: string };
        const data = (call.data ?? call.input ?? '').toLowerCase();
        // transfer(address,uint256): selector, then the recipient and the amount as 32-byte words.
        if (!call.from || !call.to || !/^0xa9059cbb[0-9a-f]{128}$/.test(data)) throw new RpcError(-32602, 'the fake only sends ERC-20 transfer(address,uint256) calls with from, to and data');
        head += 1n;
        const hash = randomHash();
        txs.set(hash, { from: call.from, transfers: [{ token: call.to, from: call.from, to: `0x${data.slice(34, 74)}`, value: BigInt(`0x${data.slice(74)}`) }], blockNumber: head });
        return hash;
      }
      default:
        throw new RpcError(-32601, `the method ${method} does not exist/is not available`);
    }
  });
  return {
    url: rpc.url,
    calls: rpc.calls,
    add: (tx: FakeBaseTx): `0x${string}` => {
      const hash = randomHash();
      txs.set(hash, { ...tx, blockNumber: tx.blockNumber ?? head });
      return hash as `0x${string}`;
    },
    mine: (blocks: number) => {
      head += BigInt(blocks);
    },
    stop: rpc.stop,
  };
};
