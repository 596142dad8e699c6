// The SQS-triggered dispatch handler, shared by the Lambda entry point and local mode.
// Each record is "look at job X"; a record that throws is reported in batchItemFailures
// so SQS redelivers only it.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { dispatchJob, type DispatchDeps } from '../core/dispatch.js';

const messageSchema = z.object({ jobId: z.string().min(1).max(128) });

export const createDispatchHandler = (deps: DispatchDeps) => {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const parsed = messageSchema.safeParse(JSON.parse(record.body));
    if (!parsed.success) throw new Error(`malformed queue message ${record.messageId}`);
    await dispatchJob(deps, parsed.data.jobId);
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { throwOnFullBatchFailure: false });
};
