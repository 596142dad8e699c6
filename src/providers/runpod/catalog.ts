// The RunPod price catalog: GPU types in Secure Cloud (RunPod's data centers) and
// Community Cloud (vetted hosts), on-demand, per GPU-hour.
//
// Source: https://www.runpod.io/pricing (Pods, on-demand), recorded 2026-11-29 from the
// stored public pages available to us; RunPod changes these often, so deployments pass
// their own catalog (RunPodConfig.catalog). GPU type ids are RunPod's own strings, as
// `gpu.id` in POST /v2/pods takes them (GpuConfig.id, e.g. the spec's example "NVIDIA GeForce RTX 4090").
import type { CloudCatalogEntry } from '../shared/cloud-catalog.js';

export type RunPodCloudType = 'SECURE' | 'COMMUNITY';

export interface RunPodCatalogEntry extends CloudCatalogEntry {
  gpuTypeId: string;
  cloudType: RunPodCloudType;
}

const entry = (
  gpuTypeId: string,
  cloudType: RunPodCloudType,
  gpuModel: string,
  vramGb: number,
  pricePerGpuHourUsd: number,
  maxGpuCount = 8,
): RunPodCatalogEntry => ({
  // One offer id per GPU type and cloud, since the same GPU is priced differently in each.
  offerId: `${cloudType}:${gpuTypeId}`,
  gpuTypeId,
  cloudType,
  gpuModel,
  vramGb,
  maxGpuCount,
  pricePerGpuHourUsd,
  // RunPod does not promise a region per GPU type; dataCenterPriority "availability" picks one.
  regions: [],
  // Pods usually start within a minute or two (image pull dominates).
  expectedStartSeconds: 90,
});

export const DEFAULT_RUNPOD_CATALOG: RunPodCatalogEntry[] = [
  entry('NVIDIA H100 80GB HBM3', 'SECURE', 'H100', 80, 2.69),
  entry('NVIDIA H100 PCIe', 'COMMUNITY', 'H100', 80, 1.99),
  entry('NVIDIA A100-SXM4-80GB', 'SECURE', 'A100-80GB', 80, 1.89),
  entry('NVIDIA A100 80GB PCIe', 'COMMUNITY', 'A100-80GB', 80, 1.19),
  entry('NVIDIA L40S', 'SECURE', 'L40S', 48, 0.86),
  entry('NVIDIA GeForce RTX 4090', 'COMMUNITY', 'RTX4090', 24, 0.34, 4),
  entry('NVIDIA GeForce RTX 4090', 'SECURE', 'RTX4090', 24, 0.69, 4),
];
