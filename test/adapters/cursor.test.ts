import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../src/adapters/dynamodb/cursor.js';
import { GSI } from '../../src/adapters/dynamodb/table-design.js';

const index = GSI.tenantJobs;
const key = { pk: 'JOB#1', sk: 'JOB', gsi1pk: 'TENANT#a', gsi1sk: '2026#1' };
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('page cursors', () => {
  it('round-trips a key the API returned', () => {
    expect(decodeCursor(encodeCursor(key), index, 'TENANT#a')).toEqual(key);
  });

  it("refuses another partition's key: a cursor never opens another tenant's listing", () => {
    expect(() => decodeCursor(encodeCursor(key), index, 'TENANT#b')).toThrow(InvalidCursorError);
  });

  it('refuses anything DynamoDB would reject as a start key, instead of letting it become a 500', () => {
    for (const forged of [
      { ...key, extra: 'x' },
      { pk: 'JOB#1', gsi1pk: 'TENANT#a', gsi1sk: 'x', other: 'y' },
      { ...key, sk: 5 },
      { ...key, sk: '' },
      [key],
      'text',
      null,
    ]) {
      expect(() => decodeCursor(cursorOf(forged), index, 'TENANT#a'), JSON.stringify(forged)).toThrow(InvalidCursorError);
    }
    expect(() => decodeCursor('%%%not-base64%%%', index, 'TENANT#a')).toThrow(InvalidCursorError);
  });

  it('applies the listing-specific check', () => {
    expect(() => decodeCursor(encodeCursor(key), index, 'TENANT#a', (k) => k.sk === 'AUDIT')).toThrow(InvalidCursorError);
  });
});
