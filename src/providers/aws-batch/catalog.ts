// The AWS Batch price catalog: EC2 GPU instance types behind the GPU job queue, priced
// per GPU-hour from the instance's on-demand Linux price in us-east-1.
//
// Source: https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, US East N. Virginia),
// after AWS's June 2025 on-demand price cut for P4/P5 instances; recorded 2026-11-29
// from the stored public pages available to us. These are list prices, rounded; they
// drift, so deployments pass their own catalog (AwsBatchConfig.catalog) — these are
// only defaults, never a billing source of truth.
import type { BillingTerms } from '../../core/provider.js';
import type { CloudCatalogEntry } from '../shared/cloud-catalog.js';

// docs/providers/aws-batch.md: EC2 bills the instances; per-second with a 60 s minimum from EC2 pricing, unconfirmed (ASSUMPTION)
export const AWS_BATCH_BILLING: BillingTerms = { startsAt: 'launch', unitSeconds: 60 };

export interface AwsBatchCatalogEntry extends CloudCatalogEntry {
  /** vCPUs and memory a job gets per GPU it asks for (sent as resourceRequirements overrides),
   * a little under the instance's share so the ECS agent still fits. */
  vcpusPerGpu: number;
  memoryMiBPerGpu: number;
  /** Job queue whose compute environment has this instance type; defaults to the config's queue. */
  jobQueue?: string;
}

// Batch GPU jobs typically wait minutes in RUNNABLE while the compute environment
// scales an instance up and pulls the image; these are our planning estimates.
const START_SECONDS = 300;

export const DEFAULT_AWS_BATCH_CATALOG: AwsBatchCatalogEntry[] = [
  // p5.48xlarge: 8 × H100 80GB, ~$55.04/h → $6.88 per GPU-hour.
  { offerId: 'p5.48xlarge', gpuModel: 'H100', vramGb: 80, maxGpuCount: 8, pricePerGpuHourUsd: 6.88, regions: [], expectedStartSeconds: START_SECONDS, vcpusPerGpu: 22, memoryMiBPerGpu: 230_000 },
  // p4de.24xlarge: 8 × A100 80GB, ~$27.45/h → $3.43 per GPU-hour.
  { offerId: 'p4de.24xlarge', gpuModel: 'A100-80GB', vramGb: 80, maxGpuCount: 8, pricePerGpuHourUsd: 3.43, regions: [], expectedStartSeconds: START_SECONDS, vcpusPerGpu: 11, memoryMiBPerGpu: 130_000 },
  // p4d.24xlarge: 8 × A100 40GB, ~$21.96/h → $2.75 per GPU-hour.
  { offerId: 'p4d.24xlarge', gpuModel: 'A100-40GB', vramGb: 40, maxGpuCount: 8, pricePerGpuHourUsd: 2.75, regions: [], expectedStartSeconds: START_SECONDS, vcpusPerGpu: 11, memoryMiBPerGpu: 130_000 },
  // g5.xlarge: 1 × A10G 24GB, $1.006/h.
  { offerId: 'g5.xlarge', gpuModel: 'A10G', vramGb: 24, maxGpuCount: 1, pricePerGpuHourUsd: 1.006, regions: [], expectedStartSeconds: 180, vcpusPerGpu: 3, memoryMiBPerGpu: 14_000 },
  // g6.xlarge: 1 × L4 24GB, $0.805/h.
  { offerId: 'g6.xlarge', gpuModel: 'L4', vramGb: 24, maxGpuCount: 1, pricePerGpuHourUsd: 0.805, regions: [], expectedStartSeconds: 180, vcpusPerGpu: 3, memoryMiBPerGpu: 14_000 },
];

/** The catalog an adapter in `region` offers: entries without regions are sold in that region. */
export const awsBatchCatalogIn = (region: string, catalog: readonly AwsBatchCatalogEntry[] = DEFAULT_AWS_BATCH_CATALOG): AwsBatchCatalogEntry[] =>
  catalog.map((e) => ({ ...e, regions: e.regions.length > 0 ? e.regions : [region] }));
