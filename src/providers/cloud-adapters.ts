// The full cloud adapters, for the functions that launch and read status (dispatch,
// reconcile) and for local mode: AWS Batch through the SDK's Batch client, GCP Batch with
// Google access tokens. See ./registry.ts (CloudAdapters) for why they are wired in.
import { AwsBatchProvider } from './aws-batch/aws-batch-provider.js';
import { GcpBatchProvider } from './gcp-batch/gcp-batch-provider.js';
import { googleTokenSource } from './gcp-batch/token.js';
import type { CloudAdapters } from './registry.js';

export const fullCloudAdapters: CloudAdapters = {
  awsBatch: (config) => new AwsBatchProvider(config),
  gcpBatch: (config) => new GcpBatchProvider({ tokens: googleTokenSource, ...config }),
};
