import { GcpBatchProvider, type GcpBatchConfig } from './gcp-batch-provider.js';
import { googleTokenSource } from './token.js';

export { GcpBatchProvider, gcpJobIdFor, type GcpBatchConfig } from './gcp-batch-provider.js';
export { DEFAULT_GCP_BATCH_CATALOG, type GcpBatchCatalogEntry } from './catalog.js';
export type { GoogleTokenSourceFactory } from './token-source.js';

/** A GCP Batch provider with real Google tokens (google-auth-library, loaded on the first token). */
export const createGcpBatchProvider = (config: Omit<GcpBatchConfig, 'tokens'> & Partial<Pick<GcpBatchConfig, 'tokens'>>): GcpBatchProvider =>
  new GcpBatchProvider({ tokens: googleTokenSource, ...config });
