// A fresh table on the shared DynamoDB Local, with the money stores on it.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDynamoClient, documentClientOf } from '../../../src/adapters/dynamodb/client.js';
import { createTable } from '../../../src/adapters/dynamodb/create-table.js';
import { DynamoBillingAccountStore } from '../../../src/adapters/dynamodb/billing-account-store.js';
import { DynamoLedgerStore } from '../../../src/adapters/dynamodb/ledger-store.js';
import { SYSTEM_ACTOR, termsAudit, type BillingAccountStore, type BillingConfig } from '../../../src/money/billing-account.js';

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

/** Sets a tenant's billing terms as the system actor (the store writes the audit event with them). */
export const setTerms = (billing: BillingAccountStore, tenantId: string, terms: BillingConfig) =>
  billing.configure(tenantId, terms, termsAudit({ tenantId, terms, at: new Date().toISOString(), actor: SYSTEM_ACTOR }));
