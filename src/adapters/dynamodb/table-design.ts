// The single-table design, shared by the DynamoDB adapters, the local table bootstrap
// and the CDK stack so that all three always agree. Pure constants: no SDK imports.
//
// Access patterns                         key
// --------------------------------------  -------------------------------------------------
// job by id (dispatcher, reconciler)      pk=JOB#<jobId>            sk=JOB
// a job's timeline, in order              pk=JOB#<jobId>            sk begins_with EVENT#<seq:10>
// a tenant's jobs, newest first           gsi1: gsi1pk=TENANT#<t>   gsi1sk=<createdAt>#<jobId>  (desc)
// a tenant's jobs in one status           gsi2: gsi2pk=TENANT#<t>#STATUS#<s>  gsi2sk=<createdAt>#<jobId>
// jobs the reconciler must look at        gsi3: gsi3pk=RECONCILE#<shard>  gsi3sk=<updatedAt>  (sparse:
//                                          the attributes are removed once a job is finished and clean)
// a job's webhook deliveries            pk=OUTBOX#<jobId>         sk=EVENT#<seq:10>  one per announced event,
//                                          written in the same transaction as the event
// a job's webhook cursor                 pk=OUTBOX#<jobId>         sk=CURSOR  settledSeq, lastSeq; while the job
//                                          has deliveries owed gsi3pk=WEBHOOKJOB#<shard> gsi3sk=<head's next attempt>
//                                          (one index entry per job, so events waiting behind a failing one are
//                                          never read by the deliverer's query)
// idempotency key of a POST               pk=IDEM#<tenant>#<key>    sk=IDEM   (expires via TTL)
// API key by public id                    pk=KEY#<keyId>            sk=KEY
// tenant                                  pk=TENANT#<tenantId>      sk=TENANT
// its own outputs bucket (role, ext id)   pk=TENANT#<tenantId>      sk=OUTPUTS_BUCKET
// a provider's reliability and breaker    pk=PSTATS#<provider>      sk=PSTATS  (versioned; per-model stats inside)
// an attempt counted in provider stats    pk=PSTATS#<provider>      sk=ATTEMPT#<attemptId>  (put only if absent,
//                                          with the stats, in one transaction; expires via TTL)
// ledger posting by idempotency id        pk=POSTING#<id>           sk=POSTING  (put only if absent: posts once)
// a tenant's postings, newest first       gsi1: gsi1pk=LEDGER#TENANT#<t>  gsi1sk=<at>#<postingId>
// postings of a tenant/provider account   pk=POSTING#<id> sk=ENTRY#<account>; gsi1pk=LEDGER#ACCOUNT#<account>
//                                          gsi1sk=<at>#<postingId>  (provider statements, account history)
// account balances (trial balance)        pk=LEDGER#ACCOUNTS#<shard> sk=ACCOUNT#<account>  (consistent query)
// a tenant's committed spend in a month   pk=BUDGET#<t>             sk=MONTH#<yyyy-mm>
// a tenant's billing account              pk=TENANT#<t>             sk=BILLING
// tenants by billing mode (billing run)   gsi2: gsi2pk=BILLING#<mode>  gsi2sk=<tenantId>
// a tenant's monthly invoice              pk=INVOICE#<t>            sk=PERIOD#<yyyy-mm>
// invoice by Stripe invoice id            pk=STRIPE_INVOICE#<id>    sk=STRIPE_INVOICE  (→ tenant, period)
// Stripe event already processed          pk=STRIPE_EVENT#<eventId> sk=STRIPE_EVENT

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';

export const GSI = {
  tenantJobs: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  tenantStatusJobs: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  reconcile: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const;

/** The reconcile index is spread over a few partitions so that no one key gets hot. */
export const RECONCILE_SHARDS = 4;

export const outboxKey = (jobId: string, seq: number) => ({ pk: `OUTBOX#${jobId}`, sk: `EVENT#${String(seq).padStart(10, '0')}` });
export const outboxCursorKey = (jobId: string) => ({ pk: `OUTBOX#${jobId}`, sk: 'CURSOR' });
/**
 * gsi3 partitions of job webhook cursors. (Until the per-job ordering, "WEBHOOK#<n>" held one
 * entry per undelivered event; a new prefix keeps any such leftovers out of the deliverer's query.)
 */
export const WEBHOOK_CURSOR_PREFIX = 'WEBHOOKJOB#';

/** Which of the RECONCILE_SHARDS gsi3 partitions a job's reconcile entry and webhook cursor go to. */
export const jobShard = (jobId: string): number => {
  let h = 0;
  for (const ch of jobId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % RECONCILE_SHARDS;
};

/** Account balance items are spread over a few partitions; the trial balance reads them all. */
export const LEDGER_ACCOUNT_SHARDS = 4;

const shardOfAccount = (account: string): number => {
  let h = 0;
  for (const ch of account) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % LEDGER_ACCOUNT_SHARDS;
};

export const ledgerKeys = {
  posting: (id: string) => ({ pk: `POSTING#${id}`, sk: 'POSTING' }),
  entry: (id: string, account: string) => ({ pk: `POSTING#${id}`, sk: `ENTRY#${account}` }),
  account: (account: string) => ({ pk: `LEDGER#ACCOUNTS#${shardOfAccount(account)}`, sk: `ACCOUNT#${account}` }),
  accountPartition: (shard: number) => `LEDGER#ACCOUNTS#${shard}`,
  tenantIndex: (tenantId: string) => `LEDGER#TENANT#${tenantId}`,
  accountIndex: (account: string) => `LEDGER#ACCOUNT#${account}`,
  budget: (tenantId: string, month: string) => ({ pk: `BUDGET#${tenantId}`, sk: `MONTH#${month}` }),
};

export const billingKeys = {
  account: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'BILLING' }),
  modeIndex: (mode: string) => `BILLING#${mode}`,
  invoice: (tenantId: string, period: string) => ({ pk: `INVOICE#${tenantId}`, sk: `PERIOD#${period}` }),
  stripeInvoice: (invoiceId: string) => ({ pk: `STRIPE_INVOICE#${invoiceId}`, sk: 'STRIPE_INVOICE' }),
  stripeEvent: (eventId: string) => ({ pk: `STRIPE_EVENT#${eventId}`, sk: 'STRIPE_EVENT' }),
};

export const providerStatsKeys = {
  stats: (provider: string) => ({ pk: `PSTATS#${provider}`, sk: 'PSTATS' }),
  counted: (provider: string, attemptId: string) => ({ pk: `PSTATS#${provider}`, sk: `ATTEMPT#${attemptId}` }),
};
