// Local mode only: DynamoDB Local answers a write a moment before the write is on disk, so a
// kill -9 in that moment loses a write whose caller was told it succeeded (measured with
// `npx tsx bench/dynamodb-local-durability.ts --kills 20`: 9 of 7,514 acknowledged writes lost,
// each acknowledged 0–3 ms before its kill; in a chaos run a job the API had answered 202 was
// gone after the restart). DynamoDB Local runs its SQLite work one job at a time, so a read sent
// after the write's answer completes only after the write's commit: each write waits for such a
// read before it returns. With the barrier: 0 of 4,995 lost in the same run. The barrier goes through
// its own client, so call counters and injected faults on the store's client never see it.
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WRITE_OPERATIONS, operationOf } from '../adapters/dynamodb/call-counter.js';
import { createDynamoClient } from '../adapters/dynamodb/client.js';
import { TABLE_KEYS } from '../adapters/dynamodb/table-design.js';

const WRITES: ReadonlySet<string> = new Set(WRITE_OPERATIONS);
/** No item has this key: the read only waits its turn. */
const BARRIER_KEY = { [TABLE_KEYS.partitionKey]: { S: 'DURABLE-WRITE-BARRIER' }, [TABLE_KEYS.sortKey]: { S: '-' } };

export interface DurableWrites {
  /** Barrier reads sent (one per write that reached DynamoDB Local). */
  readonly barriers: number;
  stop(): void;
}

export const installDurableWrites = (client: DynamoDBClient, opts: { endpoint: string; tableName: string; barrierClient?: DynamoDBClient }): DurableWrites => {
  const barrier = opts.barrierClient ?? createDynamoClient({ endpoint: opts.endpoint, region: 'local' });
  let barriers = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      if (WRITES.has(operationOf((args.request as { headers?: Record<string, string> }).headers?.['x-amz-target']))) {
        barriers += 1;
        await barrier.send(new GetItemCommand({ TableName: opts.tableName, Key: BARRIER_KEY }));
      }
      return result;
    },
    // Above the SDK's retries (finalizeRequest): one barrier after the write that succeeded.
    { step: 'build', name: 'switchyardDurableWrites' },
  );
  return {
    get barriers() {
      return barriers;
    },
    stop: () => barrier.destroy(),
  };
};
