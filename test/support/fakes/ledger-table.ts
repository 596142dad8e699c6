// A fresh table on the shared DynamoDB Local, with the money stores on it.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDynamoClient, documentClientOf } from '../../../src/adapters/dynamodb/client.js';
import { createTable } from '../../../src/adapters/dynamodb/create-table.js';
import { DynamoBillingAccountStore } from '../../../src/adapters/dynamodb/billing-account-store.js';
import { DynamoLedgerStore } from '../../../src/adapters/dynamodb/ledger-store.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const moneyTable = async () => {
  const raw = createDynamoClient({ endpoint: inject('dynamoEndpoint'), region: 'local' });
  const db = documentClientOf(raw);
  const tableName = `m_${randomBytes(6).toString('hex')}`;
  await createTable(raw, tableName);
  return {
    db,
    tableName,
    ledger: new DynamoLedgerStore(db, tableName),
    billing: new DynamoBillingAccountStore(db, tableName),
    close: () => raw.destroy(),
  };
};
