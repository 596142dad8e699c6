export { AwsBatchProvider, createAwsBatchProvider, type AwsBatchConfig } from './aws-batch-provider.js';
export { DEFAULT_AWS_BATCH_CATALOG, type AwsBatchCatalogEntry } from './catalog.js';
export type { CloudCatalogEntry } from '../shared/cloud-catalog.js';
