export { GcpBatchProvider, createGcpBatchProvider, type GcpBatchConfig } from './gcp-batch-provider.js';
export { DEFAULT_GCP_BATCH_CATALOG, type GcpBatchCatalogEntry } from './catalog.js';
