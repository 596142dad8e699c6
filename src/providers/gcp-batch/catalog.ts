// The GCP Batch price catalog: accelerator-optimized Compute Engine machine types, priced
// per GPU-hour from the machine's on-demand price (GPU included) in us-central1.
//
// Source: https://cloud.google.com/compute/gpus-pricing and
// https://cloud.google.com/compute/vm-instance-pricing (accelerator-optimized A3/A2/G2),
// recorded 2026-11-29 from the stored public pages available to us; list prices rounded.
// They drift, so deployments pass their own catalog (GcpBatchConfig.catalog).
import type { CloudCatalogEntry } from '../shared/cloud-catalog.js';
import type { BillingTerms } from '../../core/provider.js';

// docs/providers/gcp-batch.md: Compute Engine bills the VMs; per-second with a 1-minute minimum, unconfirmed (ASSUMPTION)
export const GCP_BATCH_BILLING: BillingTerms = { startsAt: 'launch', unitSeconds: 60 };

export interface GcpBatchCatalogEntry extends CloudCatalogEntry {
  /** Compute Engine accelerator type, as AllocationPolicy.Accelerator.type takes it. */
  acceleratorType: string;
  /** Machine type for each GPU count this family offers (A2/A3/G2 attach GPUs per shape). */
  machineTypes: Record<number, string>;
}

const perCount = (family: string): Record<number, string> => ({
  1: `${family}-1g`,
  2: `${family}-2g`,
  4: `${family}-4g`,
  8: `${family}-8g`,
});

// Batch jobs queue while a VM is created and the image pulled: minutes for GPUs.
const START_SECONDS = 240;

export const DEFAULT_GCP_BATCH_CATALOG: GcpBatchCatalogEntry[] = [
  // a3-highgpu-8g ~$88.49/h for 8 × H100 80GB → ~$11.06 per GPU-hour.
  { offerId: 'a3-highgpu', gpuModel: 'H100', vramGb: 80, maxGpuCount: 8, pricePerGpuHourUsd: 11.06, regions: ['us-central1'], expectedStartSeconds: START_SECONDS, acceleratorType: 'nvidia-h100-80gb', machineTypes: perCount('a3-highgpu') },
  // a2-ultragpu-1g ~$5.07/h, 1 × A100 80GB.
  { offerId: 'a2-ultragpu', gpuModel: 'A100-80GB', vramGb: 80, maxGpuCount: 8, pricePerGpuHourUsd: 5.07, regions: ['us-central1'], expectedStartSeconds: START_SECONDS, acceleratorType: 'nvidia-a100-80gb', machineTypes: perCount('a2-ultragpu') },
  // a2-highgpu-1g ~$3.67/h, 1 × A100 40GB.
  { offerId: 'a2-highgpu', gpuModel: 'A100-40GB', vramGb: 40, maxGpuCount: 8, pricePerGpuHourUsd: 3.67, regions: ['us-central1'], expectedStartSeconds: START_SECONDS, acceleratorType: 'nvidia-tesla-a100', machineTypes: perCount('a2-highgpu') },
  // g2-standard-4 ~$0.71/h, 1 × L4 24GB.
  { offerId: 'g2-standard', gpuModel: 'L4', vramGb: 24, maxGpuCount: 8, pricePerGpuHourUsd: 0.71, regions: ['us-central1'], expectedStartSeconds: 180, acceleratorType: 'nvidia-l4', machineTypes: { 1: 'g2-standard-4', 2: 'g2-standard-24', 4: 'g2-standard-48', 8: 'g2-standard-96' } },
];
