// Counts the DynamoDB calls a client makes, by operation, with an SDK middleware: the tests
// that bound calls per submit and the benches that print calls and cost read these counts
// instead of estimating them. Optionally asks DynamoDB for the capacity each call consumed
// (ReturnConsumedCapacity), which is what on-demand pricing charges for.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

const operationOf = (target: string | undefined): string => target?.split('.').pop() ?? 'unknown';

export class DynamoCallCounter {
  private counts: CallCounts = DynamoCallCounter.empty();

  private static empty(): CallCounts {
    return { calls: {}, total: 0, readUnits: 0, writeUnits: 0, unitsByOperation: {} };
  }

  /** Count every call `client` makes from now on (a document client shares its base client's stack). */
  attach(client: DynamoDBClient | DynamoDBDocumentClient, options: { capacity?: boolean } = {}): this {
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
        return next(args);
      },
      { step: 'build', name: 'switchyardCallCounter', override: true },
    );
    return this;
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
