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
// webhook deliveries still owed         pk=OUTBOX#<jobId>         sk=EVENT#<seq:10>  written in the same
//                                          transaction as the event; gsi3pk=WEBHOOK#<shard> gsi3sk=<nextAttemptAt>
//                                          while undelivered (the deliverer queries the due ones)
// idempotency key of a POST               pk=IDEM#<tenant>#<key>    sk=IDEM   (expires via TTL)
// API key by public id                    pk=KEY#<keyId>            sk=KEY
// tenant                                  pk=TENANT#<tenantId>      sk=TENANT

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
export const WEBHOOK_OUTBOX_PREFIX = 'WEBHOOK#';
