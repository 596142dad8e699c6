// Local mode's write barrier (src/local/durable-writes.ts), on DynamoDB Local: every write that
// succeeded is followed by one barrier read, and its caller gets the answer only after that read.
// (How many acknowledged writes a kill -9 loses without it: bench/dynamodb-local-durability.ts.)
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inject, describe, expect, it } from 'vitest';
import { createDynamoClient, documentClientOf } from '../../src/adapters/dynamodb/client.js';
import { createTable } from '../../src/adapters/dynamodb/create-table.js';
import { installDurableWrites } from '../../src/local/durable-writes.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('durable writes (local mode)', () => {
  it('follows each successful write, and only writes, with a barrier read the caller waits for', async () => {
    const endpoint = inject('dynamoEndpoint');
    const raw = createDynamoClient({ endpoint, region: 'local' });
    const TableName = `d_${randomBytes(6).toString('hex')}`;
    await createTable(raw, TableName);
    // A slow barrier client that notes when each barrier read finished.
    const barrierClient = createDynamoClient({ endpoint, region: 'local' });
    const barrierDone: number[] = [];
    barrierClient.middlewareStack.add(
      (next) => async (args) => {
        await new Promise((r) => setTimeout(r, 150));
        const out = await next(args);
        barrierDone.push(performance.now());
        return out;
      },
      { step: 'initialize', name: 'slowBarrier' },
    );
    const durable = installDurableWrites(raw, { endpoint, tableName: TableName, barrierClient });
    const db = documentClientOf(raw);
    const key = { pk: 'a', sk: '1' };

    await db.send(new PutCommand({ TableName, Item: { ...key, n: 1 } }));
    const putAnswered = performance.now();
    expect(durable.barriers).toBe(1);
    expect(barrierDone).toHaveLength(1);
    expect(putAnswered).toBeGreaterThanOrEqual(barrierDone[0]!);

    await db.send(new UpdateCommand({ TableName, Key: key, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } }));
    await db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName, Item: { pk: 'b', sk: '1' } } }, { Put: { TableName, Item: { pk: 'c', sk: '1' } } }] }));
    await db.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: 'd', sk: '1' } } }] } }));
    await db.send(new DeleteCommand({ TableName, Key: { pk: 'd', sk: '1' } }));
    expect(durable.barriers).toBe(5);

    // Reads and a refused write change nothing, so they wait for nothing.
    expect((await db.send(new GetCommand({ TableName, Key: key }))).Item?.n).toBe(2);
    await db.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'a' } }));
    await expect(db.send(new PutCommand({ TableName, Item: key, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toThrow(/conditional/i);
    expect(durable.barriers).toBe(5);
    expect(barrierDone).toHaveLength(5);
    durable.stop();
    raw.destroy();
  });
});
