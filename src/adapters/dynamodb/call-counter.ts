// Counts the DynamoDB calls a client makes, by operation, with an SDK middleware: the tests
// that bound calls per submit and the benches that print calls and cost read these counts
// instead of estimating them. Optionally asks DynamoDB for the capacity each call consumed
// (ReturnConsumedCapacity), which is what on-demand pricing charges for.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GSI } from './table-design.js';

/** Operations that accept ReturnConsumedCapacity. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan',
  'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems',
]);

interface Capacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface CallCounts {
  /** Calls per operation name (GetItem, TransactWriteItems, …), each retry excluded. */
  calls: Record<string, number>;
  total: number;
  /** Read and write units DynamoDB reported (only with capacity: true). */
  readUnits: number;
  writeUnits: number;
  /** Units per operation, as reported. */
  unitsByOperation: Record<string, { read: number; write: number }>;
}

/** The operation from the request's X-Amz-Target header ("DynamoDB_20120810.PutItem" → "PutItem"). */
export const operationOf = (target: string | undefined): string => target?.split('.').pop() ?? 'unknown';

export class DynamoCallCounter {
  private counts: CallCounts = DynamoCallCounter.empty();

  private static empty(): CallCounts {
    return { calls: {}, total: 0, readUnits: 0, writeUnits: 0, unitsByOperation: {} };
  }

  /** Count every call `client` makes from now on (a document client shares its base client's stack). */
  /**
   * capacity: ask DynamoDB for consumed capacity (AWS reports it; DynamoDB Local does not).
   * estimate: compute request units from item sizes instead, by the on-demand rules.
   */
  attach(client: DynamoDBClient | DynamoDBDocumentClient, options: { capacity?: boolean; estimate?: boolean } = {}): this {
    const stack = client.middlewareStack as DynamoDBClient['middlewareStack'];
    stack.add(
      (next, context) => async (args) => {
        const operation = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
        const wanted = options.capacity && CAPACITY_OPERATIONS.has(operation);
        const input = wanted ? { ...(args.input as object), ReturnConsumedCapacity: 'TOTAL' } : args.input;
        const result = await next({ ...args, input });
        if (wanted) this.addCapacity(operation, (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity);
        return result;
      },
      { step: 'initialize', name: 'switchyardCapacity', override: true },
    );
    stack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        const operation = operationOf(request.headers?.['x-amz-target']);
        this.counts.calls[operation] = (this.counts.calls[operation] ?? 0) + 1;
        this.counts.total++;
        const result = await next(args);
        if (options.estimate) {
          const body = (args.request as { body?: unknown }).body;
          const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : '';
          const units = estimateUnits(operation, text, result.output);
          this.addUnits(operation, units.read, units.write);
        }
        return result;
      },
      { step: 'build', name: 'switchyardCallCounter', override: true },
    );
    return this;
  }

  private addUnits(op: string, read: number, write: number): void {
    this.addCapacity(op, { ReadCapacityUnits: read, WriteCapacityUnits: write });
  }

  private addCapacity(op: string, consumed: Capacity | Capacity[] | undefined): void {
    const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
    const units = (this.counts.unitsByOperation[op] ??= { read: 0, write: 0 });
    for (const c of list) {
      this.counts.readUnits += c.ReadCapacityUnits ?? 0;
      this.counts.writeUnits += c.WriteCapacityUnits ?? 0;
      units.read += c.ReadCapacityUnits ?? 0;
      units.write += c.WriteCapacityUnits ?? 0;
    }
  }

  /** A copy of the counts so far. */
  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = DynamoCallCounter.empty();
  }

  /** Counts of the calls `run` makes (concurrent calls from elsewhere are counted too). */
  async during<T>(run: () => Promise<T>): Promise<{ result: T; counts: CallCounts }> {
    const before = this.snapshot();
    const result = await run();
    return { result, counts: difference(this.snapshot(), before) };
  }
}

/** `after − before`, per operation. */
export const difference = (after: CallCounts, before: CallCounts): CallCounts => {
  const calls: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.calls)) {
    const d = n - (before.calls[op] ?? 0);
    if (d !== 0) calls[op] = d;
  }
  const unitsByOperation: CallCounts['unitsByOperation'] = {};
  for (const [op, u] of Object.entries(after.unitsByOperation)) {
    const b = before.unitsByOperation[op] ?? { read: 0, write: 0 };
    if (u.read !== b.read || u.write !== b.write) unitsByOperation[op] = { read: u.read - b.read, write: u.write - b.write };
  }
  return {
    calls,
    total: after.total - before.total,
    readUnits: after.readUnits - before.readUnits,
    writeUnits: after.writeUnits - before.writeUnits,
    unitsByOperation,
  };
};

/** Calls that write (a cancelled transaction included: it is billed as one). */
export const WRITE_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'] as const;

export const writeCalls = (counts: CallCounts): number => WRITE_OPERATIONS.reduce((s, op) => s + (counts.calls[op] ?? 0), 0);

// Request units by the on-demand rules (https://aws.amazon.com/dynamodb/pricing/on-demand/):
// a write is 1 unit per KB of item, a read 1 per 4 KB (strongly consistent; half when
// eventually consistent), and a transaction doubles both. Item size is approximated by the
// length of its DynamoDB JSON, a slight overestimate (type tags and quotes count). An update
// is sized by its key and values: the items this codebase updates (counters, balances,
// buckets) are small.
const KB = 1024;
const size = (value: unknown): number => (value === undefined ? 0 : JSON.stringify(value).length);
const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));
const readUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);

interface WriteRequest {
  Item?: unknown;
  Key?: unknown;
  ExpressionAttributeValues?: unknown;
}

const writeSize = (w: WriteRequest): number => size(w.Item ?? w.Key) + size(w.ExpressionAttributeValues);

const INDEX_PARTITION_KEYS = Object.values(GSI).map((g) => g.partitionKey);

/**
 * A put of an item that carries an index's keys is written to that index too (every index
 * projects ALL): one unit per KB per index, outside the transaction's doubling. A lower bound:
 * a put that moves the item to another index key is a delete and a put there (2), and what an
 * update or a delete does to the indexes is not known from the request (this codebase updates
 * only small items outside the indexes).
 */
const indexWriteUnits = (w: WriteRequest): number => {
  const item = w.Item as Record<string, unknown> | undefined;
  if (!item) return 0;
  return INDEX_PARTITION_KEYS.filter((key) => item[key] !== undefined).length * writeUnits(size(item));
};

export const estimateUnits = (operation: string, body: string, output: unknown): { read: number; write: number } => {
  let input: Record<string, unknown> = {};
  try {
    input = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { read: 0, write: 0 };
  }
  const out = (output ?? {}) as { Item?: unknown; Items?: unknown[]; Responses?: Record<string, unknown[]> };
  const consistent = input.ConsistentRead === true;
  switch (operation) {
    case 'GetItem':
      return { read: readUnits(size(out.Item), consistent), write: 0 };
    case 'Query':
    case 'Scan':
      return { read: readUnits((out.Items ?? []).reduce<number>((s, i) => s + size(i), 0), consistent), write: 0 };
    case 'BatchGetItem': {
      // Each key is its own read, consistent or not as its table's request asked; a key
      // with no item still costs the minimum unit.
      const asked = (input.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean; Keys?: unknown[] }>;
      const unprocessed = ((output ?? {}) as { UnprocessedKeys?: Record<string, { Keys?: unknown[] }> }).UnprocessedKeys ?? {};
      let read = 0;
      for (const [table, request] of Object.entries(asked)) {
        const consistent = request.ConsistentRead === true;
        const found = out.Responses?.[table] ?? [];
        const missing = (request.Keys?.length ?? 0) - (unprocessed[table]?.Keys?.length ?? 0) - found.length;
        read += found.reduce<number>((t, i) => t + readUnits(size(i), consistent), 0) + Math.max(0, missing) * readUnits(0, consistent);
      }
      return { read, write: 0 };
    }
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return { read: 0, write: writeUnits(writeSize(input as WriteRequest)) + indexWriteUnits(input as WriteRequest) };
    case 'BatchWriteItem': {
      const requests = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: WriteRequest; DeleteRequest?: WriteRequest }[]>).flat();
      return { read: 0, write: requests.reduce((s, r) => s + writeUnits(writeSize(r.PutRequest ?? r.DeleteRequest ?? {})) + indexWriteUnits(r.PutRequest ?? {}), 0) };
    }
    case 'TransactWriteItems': {
      const items = (input.TransactItems ?? []) as Record<string, WriteRequest>[];
      return { read: 0, write: items.reduce((s, item) => s + 2 * writeUnits(writeSize(Object.values(item)[0] ?? {})) + indexWriteUnits(Object.values(item)[0] ?? {}), 0) };
    }
    case 'TransactGetItems':
      return { read: ((out as { Responses?: { Item?: unknown }[] }).Responses ?? []).reduce((s, r) => s + 2 * readUnits(size(r.Item), true), 0), write: 0 };
    default:
      return { read: 0, write: 0 };
  }
};
