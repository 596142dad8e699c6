// The clouds as the api function needs them: name, billing terms, catalogue and offers, the
// same as the full adapters give (AWS and GCP Batch offers come from their catalogues, never
// from a call), without the AWS SDK's Batch client or Google's token library in its bundle
// and cold start. Launch, status and cancel are refused: only the workers call the clouds.
import { ProviderError, type BillingTerms, type Provider } from '../core/provider.js';
import { AWS_BATCH_BILLING, awsBatchCatalogIn } from './aws-batch/catalog.js';
import { DEFAULT_GCP_BATCH_CATALOG, GCP_BATCH_BILLING } from './gcp-batch/catalog.js';
import type { CloudAdapters } from './registry.js';
import { catalogOffers, catalogProviderInfo, type CloudCatalogEntry } from './shared/cloud-catalog.js';

const catalogueOnly = (name: string, billing: BillingTerms, catalog: readonly CloudCatalogEntry[]): Provider => {
  const refuse = async (): Promise<never> => {
    throw new ProviderError('permanent', `${name}: this function reads the catalogue only; the dispatch and reconcile functions call ${name}`);
  };
  return {
    name,
    kind: 'cloud',
    billing,
    info: () => catalogProviderInfo(name, catalog),
    offers: async (query) => catalogOffers(name, catalog, query),
    launch: refuse,
    status: refuse,
    cancel: refuse,
  };
};

export const catalogueCloudAdapters: CloudAdapters = {
  awsBatch: (config) => catalogueOnly(config.name ?? 'aws-batch', AWS_BATCH_BILLING, awsBatchCatalogIn(config.region, config.catalog)),
  gcpBatch: (config) => catalogueOnly(config.name ?? 'gcp-batch', GCP_BATCH_BILLING, config.catalog ?? DEFAULT_GCP_BATCH_CATALOG),
};
