// Lambda entry point for the jobs queue (SQS event source, ReportBatchItemFailures).
import type { SQSEvent } from 'aws-lambda';
import { createDispatchHandler } from '../src/handlers/dispatch-handler.js';
import { reconcileDeps } from '../src/aws/job-path.js';

export const handler = async (event: SQSEvent) => createDispatchHandler(await reconcileDeps())(event);
