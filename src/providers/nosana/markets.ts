// Nosana GPU markets -> Switchyard offers. A market is one GPU model in one tier
// (PREMIUM, COMMUNITY, OTHER); its hosts each run one job at a time on the whole node.
// Fields read from GET {base}/markets/ (public; FACTS Endpoints row): address, name, slug, type,
// usd_reward_per_hour, network_fee_percentage, lowest_vram, gpu_types.
// Price to the job poster: usd_reward_per_hour × (1 + network_fee_percentage / 100), as the
// learn.nosana.com GPU-markets table computes it (docs/.vuepress/components/GPUMarkets.vue).
// Inferred, not documented: the GPU count of a multi-GPU market is read from its name or
// slug ("8x H100", "nvidia-8x-a5000"); every other market is one GPU per node.

export interface NosanaMarket {
  address: string;
  name: string;
  slug?: string;
  type?: string;
  usd_reward_per_hour?: number | null;
  network_fee_percentage?: number | null;
  lowest_vram?: number | null;
  gpu_types?: string[] | null;
}

/** "RTX4090", "NVIDIA 4090 Community", "NVIDIA GeForce RTX 4090" -> "4090"; "A100-80GB" -> "A10080GB". */
export const modelKey = (model: string): string =>
  model
    .toUpperCase()
    .replace(/\b(NVIDIA|GEFORCE|COMMUNITY|PREMIUM)\b/g, '')
    .replace(/RTX/g, '')
    .replace(/\b\d+\s*X\b/g, '')
    .replace(/[\s_-]/g, '');

export const gpuCountOf = (m: NosanaMarket): number => {
  const hit = /(?:^|[\s-])(\d+)\s*x(?:[\s-]|$)/i.exec(m.name) ?? /(?:^|[\s-])(\d+)x-/i.exec(m.slug ?? '');
  const n = hit ? Number(hit[1]) : 1;
  return Number.isInteger(n) && n > 0 ? n : 1;
};

/** USD per hour for the whole node, network fee included. */
export const nodePricePerHourUsd = (m: NosanaMarket): number | undefined => {
  if (typeof m.usd_reward_per_hour !== 'number' || m.usd_reward_per_hour <= 0) return undefined;
  return m.usd_reward_per_hour * (1 + (m.network_fee_percentage ?? 0) / 100);
};

/**
 * The requested Switchyard model a market satisfies. A request for "A100" takes both the
 * 40 GB and the 80 GB markets; "A100-80GB" only the one whose name says 80GB.
 */
export const requestedModelFor = (requested: string[], m: NosanaMarket): string | undefined => {
  const key = modelKey(m.name);
  return requested.find((r) => {
    const want = modelKey(r);
    return want.length > 0 && (key === want || (key.startsWith(want) && /^\d+GB$/.test(key.slice(want.length))));
  });
};
