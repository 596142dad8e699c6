// The fake Nosana market catalogue: market specs, their public JSON (GET /api/markets/),
// and Solana-style base58 ids. The market object has exactly the fields of nosana/FACTS.md
// (Endpoints: GET /markets/, from the kit's generated schema.ts getApiMarkets); `sft` (a
// token address) is given the market's own address, `nodes` is left out (optional).
//
// Prices: usd_reward_per_hour from the snapshot in nosana.com/pricing.md, "taken
// 2026-09-03, in USD per GPU-hour" (PREMIUM / COMMUNITY tiers), 8×H100 at 18.20 USD/hour
// for the node. network_fee_percentage 10, as the Nosana dashboard's pricing code assumes
// ("usd_reward_per_hour from markets table + 10%").
import type { GpuSupply, Rng } from './shared/index.js';

export interface NosanaMarketSpec {
  name: string;
  slug: string;
  type: 'PREMIUM' | 'COMMUNITY' | 'OTHER';
  /** USD per hour for the whole node, before the network fee. */
  usdRewardPerHour: number;
  vramGb: number;
  gpuTypes: string[];
  /** Hosts in the market; each runs one job at a time. */
  nodes: number;
  gpusPerNode?: number;
  /** Fixed address; otherwise one is drawn from the seed. */
  address?: string;
}

export const NOSANA_NETWORK_FEE_PERCENTAGE = 10;
/** NOS price the fake uses to derive nos_job_price_per_second (the token moves; illustrative). */
const NOS_USD = 0.5;

export const NOSANA_DEFAULT_MARKETS: NosanaMarketSpec[] = [
  { name: 'NVIDIA 3060 Community', slug: 'nvidia-3060-community', type: 'COMMUNITY', usdRewardPerHour: 0.0327, vramGb: 12, gpuTypes: ['NVIDIA GeForce RTX 3060'], nodes: 4 },
  { name: 'NVIDIA 3060', slug: 'nvidia-3060', type: 'PREMIUM', usdRewardPerHour: 0.0436, vramGb: 12, gpuTypes: ['NVIDIA GeForce RTX 3060'], nodes: 4 },
  { name: 'NVIDIA 4090 Community', slug: 'nvidia-4090-community', type: 'COMMUNITY', usdRewardPerHour: 0.2182, vramGb: 24, gpuTypes: ['NVIDIA GeForce RTX 4090'], nodes: 3 },
  { name: 'NVIDIA 4090', slug: 'nvidia-4090', type: 'PREMIUM', usdRewardPerHour: 0.2909, vramGb: 24, gpuTypes: ['NVIDIA GeForce RTX 4090'], nodes: 3 },
  { name: 'NVIDIA 5090', slug: 'nvidia-5090', type: 'PREMIUM', usdRewardPerHour: 0.3636, vramGb: 32, gpuTypes: ['NVIDIA GeForce RTX 5090'], nodes: 2 },
  { name: 'NVIDIA H100 Community', slug: 'nvidia-h100-community', type: 'COMMUNITY', usdRewardPerHour: 1.0227, vramGb: 80, gpuTypes: ['NVIDIA H100 80GB HBM3'], nodes: 2 },
  { name: 'NVIDIA H100', slug: 'nvidia-h100', type: 'PREMIUM', usdRewardPerHour: 1.3636, vramGb: 80, gpuTypes: ['NVIDIA H100 80GB HBM3'], nodes: 2 },
  { name: 'NVIDIA 8x H100', slug: 'nvidia-8x-h100', type: 'OTHER', usdRewardPerHour: 18.2, vramGb: 80, gpuTypes: ['NVIDIA H100 80GB HBM3'], nodes: 1, gpusPerNode: 8 },
];

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A 44-character base58 string, like a Solana public key, drawn from the seeded RNG. */
export const base58Id = (rng: Rng): string => {
  let out = '';
  for (let i = 0; i < 44; i += 1) out += BASE58[rng.int(0, BASE58.length - 1)];
  return out;
};

export interface FakeMarket extends NosanaMarketSpec {
  address: string;
}

export const withAddresses = (specs: NosanaMarketSpec[], rng: Rng): FakeMarket[] =>
  specs.map((s) => ({ ...s, address: s.address ?? base58Id(rng) }));

/** The scenario supply: one GpuSupply per market, its model spelled as the market name. */
export const supplyOf = (markets: NosanaMarketSpec[]): GpuSupply[] =>
  markets.map((m) => ({
    model: m.name,
    vramGb: m.vramGb,
    machines: m.nodes,
    gpusPerMachine: m.gpusPerNode ?? 1,
    pricePerGpuHourUsd: m.usdRewardPerHour / (m.gpusPerNode ?? 1),
  }));

export const marketView = (m: FakeMarket) => ({
  address: m.address,
  name: m.name,
  slug: m.slug,
  type: m.type,
  usd_reward_per_hour: m.usdRewardPerHour,
  network_fee_percentage: NOSANA_NETWORK_FEE_PERCENTAGE,
  sft: m.address,
  nos_reward_per_second: Math.round((m.usdRewardPerHour / 3600 / NOS_USD) * 1e9) / 1e9,
  nos_job_price_per_second: Math.round((m.usdRewardPerHour / 3600 / NOS_USD) * 1e9) / 1e9,
  premium_community_relation: null,
  gpu_types: m.gpuTypes,
  required_images: [],
  required_remote_resources: [],
  client: false,
  lowest_vram: m.vramGb,
});
