// The cost bench prices DynamoDB from request units estimated per call (DynamoDB Local reports
// none). A put of an item in the indexes (every one projects ALL) is also written to each of
// them: leaving that out made job writes look up to 4× cheaper than AWS bills them.
import { describe, expect, it } from 'vitest';
import { estimateUnits } from '../../src/adapters/dynamodb/call-counter.js';

const item = (extra: Record<string, unknown>) => ({ pk: { S: 'JOB#job_1' }, sk: { S: 'JOB' }, body: { S: 'x'.repeat(2300) }, ...extra });
const inIndexes = item({ gsi1pk: { S: 'TENANT#t' }, gsi1sk: { S: 'a' }, gsi2pk: { S: 'TENANT#t#STATUS#running' }, gsi2sk: { S: 'a' }, gsi3pk: { S: 'RECONCILE#1' }, gsi3sk: { S: 'a' } });
const units = (operation: string, input: unknown) => estimateUnits(operation, JSON.stringify(input), {}).write;

describe('write units by the on-demand rules', () => {
  it('counts a put once per KB, plus once per KB for each index the item is in', () => {
    expect(units('PutItem', { TableName: 't', Item: item({}) })).toBe(3);
    expect(units('PutItem', { TableName: 't', Item: inIndexes })).toBe(3 + 3 * 3);
  });

  it('doubles the table write in a transaction, not the index writes', () => {
    const put = { Put: { TableName: 't', Item: inIndexes } };
    const event = { Put: { TableName: 't', Item: { pk: { S: 'JOB#job_1' }, sk: { S: 'EVENT#1' } } } };
    expect(units('TransactWriteItems', { TransactItems: [put, event] })).toBe(2 * 3 + 3 * 3 + 2 * 1);
  });

  it('counts index writes of batch puts too', () => {
    expect(units('BatchWriteItem', { RequestItems: { t: [{ PutRequest: { Item: inIndexes } }, { DeleteRequest: { Key: { pk: { S: 'a' }, sk: { S: 'b' } } } }] } })).toBe(3 + 9 + 1);
  });
});
