// The fake Dispersed API's compute offers (FACTS.md, GET /v1/compute/offers row, REF-OFFERS):
// each free host of the seeded supply is one offer, with its GPUs under `hardware_summary`
// and the whole offer's USD rate under `pricing.hourly_rate_usd` (per offer, not per GPU:
// the adapter's assumption, since FACTS.md leaves it open). Each GPU model has one registry
// uuid, which POST /v1/jobs takes as `gpu_registry_uuid`.
import type { Inventory, Scenario } from './shared/index.js';

/** A uuid-shaped id drawn from the seeded RNG, so runs are reproducible. */
export const seededUuid = (scenario: Scenario): string => {
  const hex = Array.from({ length: 32 }, () => scenario.rng.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
};

export const registryUuids = (scenario: Scenario): Map<string, string> => {
  const out = new Map<string, string>();
  for (const s of scenario.supply) if (!out.has(s.model)) out.set(s.model, seededUuid(scenario));
  return out;
};

const num = (q: URLSearchParams, key: string): number | undefined => (q.has(key) ? Number(q.get(key)) : undefined);

export const offerViews = (
  inventory: Inventory,
  gpuUuids: Map<string, string>,
  offerIds: Map<number, string>,
  q: URLSearchParams,
  now: number,
): Record<string, unknown>[] => {
  const gpuCount = num(q, 'filter[gpu_count]');
  const minVram = num(q, 'filter[min_vram_gb]');
  const cpu = num(q, 'filter[cpu_count]');
  const ram = num(q, 'filter[min_ram_gb]');
  const storage = num(q, 'filter[min_storage_gb]');
  const name = q.get('filter[gpu_name]')?.toLowerCase();
  const gpuUuid = q.get('filter[gpu_registry_uuid]');
  const regions = q.get('filter[allowed_region_codes]')?.split(',');
  const hosts = inventory.free(
    (h) =>
      (gpuCount === undefined || h.gpus === gpuCount) &&
      (minVram === undefined || h.vramGb >= minVram) &&
      (cpu === undefined || 16 * h.gpus >= cpu) &&
      (ram === undefined || 64 * h.gpus >= ram) &&
      (storage === undefined || 500 >= storage) &&
      (!name || h.model.toLowerCase().includes(name)) &&
      (!gpuUuid || gpuUuids.get(h.model) === gpuUuid) &&
      (!regions || regions.includes(h.region)),
  );
  const ordered = q.get('sort') === '-created_at' ? [...hosts].reverse() : hosts;
  return ordered.map((h) => {
    const gpu = gpuUuids.get(h.model)!;
    return {
      offer_id: offerIds.get(h.id)!,
      region_code: h.region,
      hardware_summary: {
        cpu_cores: 16 * h.gpus,
        gpu_count: h.gpus,
        gpu_model_label: h.model,
        gpu_models: [{ count: h.gpus, gpu_registry_uuid: gpu, min_vram_gib: h.vramGb, name: h.model }],
        gpu_registry_uuid: gpu,
        min_gpu_vram_gib: h.vramGb,
        ram_gib: 64 * h.gpus,
        storage_gib: 500,
      },
      pricing: { hourly_rate_usd: Math.round(h.pricePerGpuHourUsd * h.gpus * 10_000) / 10_000, quoted_at: new Date(now).toISOString() },
      availability: {},
    };
  });
};
