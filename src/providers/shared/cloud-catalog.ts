// Fixed price catalogs for the centralized clouds (AWS Batch, GCP Batch, RunPod).
// Clouds do not quote live per job: each adapter holds a configurable list of machine
// shapes with their public on-demand price, and offers are the entries that fit a query.
import type { CatalogEntry, Offer, OfferQuery, ProviderInfo } from '../../core/provider.js';

export interface CloudCatalogEntry {
  /** The provider's own id for the shape: an EC2 instance type, a GCE machine type, a RunPod GPU type. */
  offerId: string;
  /** Switchyard's model name, as jobs ask for it: "H100", "A100-80GB", "A10G", "L4". */
  gpuModel: string;
  vramGb: number;
  /** GPUs on one machine of this shape; a job asking for more cannot be placed on it. */
  maxGpuCount: number;
  pricePerGpuHourUsd: number;
  /** Where the shape is sold. Empty means "the adapter's one region" or "anywhere". */
  regions: string[];
  expectedStartSeconds: number;
}

/**
 * A job asking for "A100" accepts both "A100-40GB" and "A100-80GB"; asking for
 * "A100-80GB" accepts only that one. Case-insensitive, since users type these by hand.
 */
export const modelMatches = (wanted: string, offered: string): boolean => {
  const w = wanted.toLowerCase();
  const o = offered.toLowerCase();
  return o === w || o.startsWith(`${w}-`);
};

const entryFits = (entry: CloudCatalogEntry, query: OfferQuery): boolean => {
  const { gpu } = query;
  if (gpu.models.length > 0 && !gpu.models.some((m) => modelMatches(m, entry.gpuModel))) return false;
  if (gpu.count > entry.maxGpuCount) return false;
  if (gpu.minVramGb !== undefined && entry.vramGb < gpu.minVramGb) return false;
  return entry.pricePerGpuHourUsd <= query.maxPricePerGpuHourUsd;
};

/** Offers from a catalog: one per fitting entry and allowed region, cheapest first. */
export const catalogOffers = (
  provider: string,
  entries: readonly CloudCatalogEntry[],
  query: OfferQuery,
): Offer[] => {
  const offers: Offer[] = [];
  for (const entry of entries) {
    if (!entryFits(entry, query)) continue;
    const wanted = query.regions;
    // An entry without regions cannot promise any particular one.
    if (wanted && wanted.length > 0 && entry.regions.length === 0) continue;
    const regions = wanted && wanted.length > 0 ? entry.regions.filter((r) => wanted.includes(r)) : entry.regions;
    const base = {
      provider,
      offerId: entry.offerId,
      gpuModel: entry.gpuModel,
      gpuCount: query.gpu.count,
      vramGb: entry.vramGb,
      pricePerGpuHourUsd: entry.pricePerGpuHourUsd,
      expectedStartSeconds: entry.expectedStartSeconds,
    };
    if (entry.regions.length === 0) offers.push(base);
    for (const region of regions) offers.push({ ...base, region });
  }
  return offers.sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
};

export const catalogInfo = (entries: readonly CloudCatalogEntry[]): CatalogEntry[] =>
  entries.map((e) => ({
    gpuModel: e.gpuModel,
    vramGb: e.vramGb,
    pricePerGpuHourUsd: e.pricePerGpuHourUsd,
    ...(e.regions.length > 0 ? { regions: [...e.regions] } : {}),
  }));

/** info() of a catalog-priced cloud: always enabled, with its catalog listed. */
export const catalogProviderInfo = (name: string, entries: readonly CloudCatalogEntry[]): ProviderInfo => ({
  name,
  kind: 'cloud',
  enabled: true,
  catalog: catalogInfo(entries),
  health: 'healthy',
});

export const findEntry = <E extends CloudCatalogEntry>(entries: readonly E[], offerId: string): E | undefined =>
  entries.find((e) => e.offerId === offerId);
