// The SQS-triggered dispatch handler, shared by the Lambda entry point and local mode.
// Each record is "look at job X"; a record that throws is reported in batchItemFailures
// so SQS redelivers only it.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dispatchJob, type DispatchDeps } from '../core/dispatch.js';

// A hand check rather than zod: the message has one field, and zod would add ~440 KB to
// the dispatch bundle (cold starts).
const jobIdOf = (body: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(body);
    const jobId = (parsed as { jobId?: unknown } | null)?.jobId;
    return typeof jobId === 'string' && jobId.length > 0 && jobId.length <= 128 ? jobId : undefined;
  } catch {
    return undefined;
  }
};

export const createDispatchHandler = (deps: DispatchDeps) => {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const jobId = jobIdOf(record.body);
    if (!jobId) throw new Error(`malformed queue message ${record.messageId}`);
    await dispatchJob(deps, jobId);
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { throwOnFullBatchFailure: false });
};
