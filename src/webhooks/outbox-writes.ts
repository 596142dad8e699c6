// What a job write adds to its transaction for webhooks: one outbox item per announced
// event (./event-types.ts) with the job as it is after the change (the payload's snapshot),
// and an update of the job's cursor that puts the job in the deliverer's index unless it
// is there already. Events that are not announced write nothing.
import type { Job, JobEvent } from '../core/job.js';
import type { TransactItem } from '../adapters/dynamodb/ledger-store.js';
import { GSI, WEBHOOK_CURSOR_PREFIX, jobShard, outboxCursorKey, outboxKey } from '../adapters/dynamodb/table-design.js';
import { webhookTypeOf } from './event-types.js';

export const outboxWrites = (TableName: string, job: Job, events: JobEvent[]): TransactItem[] => {
  const url = job.spec.webhookUrl;
  if (!url) return [];
  const announced = events.flatMap((event) => {
    const type = webhookTypeOf(event);
    return type ? [{ event, type }] : [];
  });
  if (announced.length === 0) return [];
  const puts: TransactItem[] = announced.map(({ event, type }) => ({
    Put: {
      TableName,
      Item: { ...outboxKey(job.id, event.seq), tenantId: job.tenantId, url, type, event, job, deliveryAttempts: 0 },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
  const first = announced[0]!.event;
  const last = announced[announced.length - 1]!.event;
  return [
    ...puts,
    {
      Update: {
        TableName,
        Key: outboxCursorKey(job.id),
        // if_not_exists: a cursor already in the index (waiting, retrying or claimed) keeps its
        // due time and its lease; an idle one (index attributes removed) becomes due now.
        UpdateExpression:
          'SET tenantId = :t, lastSeq = :last, settledSeq = if_not_exists(settledSeq, :zero), #p = :p, #s = if_not_exists(#s, :at) REMOVE expiresAt',
        ExpressionAttributeNames: { '#p': GSI.reconcile.partitionKey, '#s': GSI.reconcile.sortKey },
        ExpressionAttributeValues: { ':t': job.tenantId, ':last': last.seq, ':zero': 0, ':p': `${WEBHOOK_CURSOR_PREFIX}${jobShard(job.id)}`, ':at': first.at },
      },
    },
  ];
};
