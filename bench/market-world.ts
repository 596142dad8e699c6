// The simulated world of `npm run bench:market`: networks priced from the price lists the
// adapters and market fakes cite (with the dates they were read), failure rates per network,
// a seeded job mix, and outcome draws keyed by (job, network, try, time) so every policy
// faces the same luck: common random numbers, not one lucky policy.
import type { JobSpec } from '../src/core/job.js';
import type { Offer, ProviderKind } from '../src/core/provider.js';
import { AKASH_DEFAULT_SUPPLY } from '../src/market/akash-fake.js';
import { IONET_DEFAULT_SUPPLY } from '../src/market/ionet-fake.js';
import { NOSANA_DEFAULT_MARKETS, NOSANA_NETWORK_FEE_PERCENTAGE } from '../src/market/nosana-markets.js';
import { VAST_DEFAULT_SUPPLY } from '../src/market/vastai-fake.js';
import { DEFAULT_AWS_BATCH_CATALOG } from '../src/providers/aws-batch/catalog.js';
import { DEFAULT_GCP_BATCH_CATALOG } from '../src/providers/gcp-batch/catalog.js';
import { DEFAULT_RUNPOD_CATALOG } from '../src/providers/runpod/catalog.js';

export interface Shape {
  gpuModel: string;
  vramGb: number;
  maxGpus: number;
  pricePerGpuHourUsd: number;
}

export interface Network {
  name: string;
  kind: ProviderKind;
  source: string;
  shapes: Shape[];
  /** What the adapter advertises as its start delay (offers' expectedStartSeconds). */
  advertisedStartSeconds: number;
  /** The true median launch-to-running delay; each start is lognormal around it. */
  startMedianSeconds: number;
  /** Long-run share of attempts the network fails (2%–30%), of which bad windows carry a part. */
  failureRate: number;
  /** Share of 2-hour windows that are outages, and the failure rate inside them. */
  badShare: number;
  badRate: number;
  /** How a failure shows: refused at launch, stuck before starting, or lost mid-run. */
  mix: { refuse: number; hang: number; lost: number };
}

// Spellings in the fakes' supplies → Switchyard's model names; others are not in the job mix.
const MODEL: Record<string, string> = {
  h100: 'H100', 'H100 SXM': 'H100', 'H100 NVL': 'H100', H100: 'H100',
  a100: 'A100-80GB', 'A100 SXM4': 'A100-80GB', 'A100-80GB': 'A100-80GB',
  rtx4090: 'RTX4090', 'RTX 4090': 'RTX4090', RTX4090: 'RTX4090',
  'NVIDIA 4090 Community': 'RTX4090', 'NVIDIA H100 Community': 'H100', 'NVIDIA 8x H100': 'H100',
};

const fromSupply = (s: { model: string; vramGb: number; gpusPerMachine: number; pricePerGpuHourUsd: number }[]): Shape[] =>
  s.flatMap((x) => (MODEL[x.model] ? [{ gpuModel: MODEL[x.model]!, vramGb: x.vramGb, maxGpus: x.gpusPerMachine, pricePerGpuHourUsd: x.pricePerGpuHourUsd }] : []));

const fromCatalog = (c: { gpuModel: string; vramGb: number; maxGpuCount: number; pricePerGpuHourUsd: number }[]): Shape[] =>
  c.map((x) => ({ gpuModel: x.gpuModel, vramGb: x.vramGb, maxGpus: x.maxGpuCount, pricePerGpuHourUsd: x.pricePerGpuHourUsd }));

const nosanaShapes: Shape[] = NOSANA_DEFAULT_MARKETS.flatMap((m) => {
  const model = MODEL[m.name];
  const gpus = m.gpusPerNode ?? 1;
  const perGpu = (m.usdRewardPerHour * (1 + NOSANA_NETWORK_FEE_PERCENTAGE / 100)) / gpus;
  return model ? [{ gpuModel: model, vramGb: m.vramGb, maxGpus: gpus, pricePerGpuHourUsd: perGpu }] : [];
});

export const NETWORKS: Network[] = [
  { name: 'akash', kind: 'decentralized', source: 'Akash Console gpu-prices, read 2026-11-29 (src/market/akash-fake.ts)', shapes: fromSupply(AKASH_DEFAULT_SUPPLY), advertisedStartSeconds: 90, startMedianSeconds: 150, failureRate: 0.2, badShare: 0.1, badRate: 0.8, mix: { refuse: 0.4, hang: 0.2, lost: 0.4 } },
  { name: 'ionet', kind: 'decentralized', source: 'long-tail GPU price survey May 2026, read 2026-11-29 (src/market/ionet-fake.ts)', shapes: fromSupply(IONET_DEFAULT_SUPPLY), advertisedStartSeconds: 180, startMedianSeconds: 90, failureRate: 0.3, badShare: 0.15, badRate: 0.85, mix: { refuse: 0.3, hang: 0.3, lost: 0.4 } },
  { name: 'nosana', kind: 'decentralized', source: 'nosana.com/pricing.md snapshot 2026-09-03 +10% fee (src/market/nosana-markets.ts)', shapes: nosanaShapes, advertisedStartSeconds: 180, startMedianSeconds: 120, failureRate: 0.25, badShare: 0.12, badRate: 0.85, mix: { refuse: 0.3, hang: 0.3, lost: 0.4 } },
  { name: 'vastai', kind: 'decentralized', source: 'Vast.ai market summaries May-June 2026, read 2026-11-29 (src/market/vastai-fake.ts)', shapes: fromSupply(VAST_DEFAULT_SUPPLY), advertisedStartSeconds: 120, startMedianSeconds: 60, failureRate: 0.12, badShare: 0.05, badRate: 0.7, mix: { refuse: 0.5, hang: 0.1, lost: 0.4 } },
  { name: 'runpod', kind: 'cloud', source: 'runpod.io/pricing, recorded 2026-11-29 (src/providers/runpod/catalog.ts)', shapes: fromCatalog(DEFAULT_RUNPOD_CATALOG), advertisedStartSeconds: 90, startMedianSeconds: 90, failureRate: 0.05, badShare: 0.02, badRate: 0.5, mix: { refuse: 0.7, hang: 0.1, lost: 0.2 } },
  { name: 'gcp-batch', kind: 'cloud', source: 'cloud.google.com GPU/VM pricing, recorded 2026-11-29 (src/providers/gcp-batch/catalog.ts)', shapes: fromCatalog(DEFAULT_GCP_BATCH_CATALOG), advertisedStartSeconds: 240, startMedianSeconds: 240, failureRate: 0.03, badShare: 0, badRate: 0, mix: { refuse: 0.8, hang: 0.1, lost: 0.1 } },
  { name: 'aws-batch', kind: 'cloud', source: 'aws.amazon.com EC2 on-demand, us-east-1, recorded 2026-11-29 (src/providers/aws-batch/catalog.ts)', shapes: fromCatalog(DEFAULT_AWS_BATCH_CATALOG), advertisedStartSeconds: 300, startMedianSeconds: 300, failureRate: 0.02, badShare: 0, badRate: 0, mix: { refuse: 0.8, hang: 0.1, lost: 0.1 } },
];

/** A fast integer hash → [0, 1); the same inputs always give the same draw. */
export const u01 = (...parts: number[]): number => {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
};

const normal = (a: number, b: number): number => Math.sqrt(-2 * Math.log(Math.max(a, 1e-12))) * Math.cos(2 * Math.PI * b);

export interface SimJob {
  index: number;
  submitAt: number;
  runSeconds: number;
  spec: JobSpec;
}

const WINDOW_SECONDS = 7200;

/** The failure rate in good windows, so that the long-run average is the network's failureRate. */
const goodRate = (n: Network) => (n.failureRate - n.badShare * n.badRate) / (1 - n.badShare);

export const failProbability = (n: Network, ni: number, seed: number, t: number): number =>
  u01(seed, ni, Math.floor(t / WINDOW_SECONDS), 17) < n.badShare ? n.badRate : goodRate(n);

export type Draw =
  | { kind: 'refuse' }
  | { kind: 'hang' }
  | { kind: 'lost'; startSeconds: number; afterSeconds: number }
  | { kind: 'ok'; startSeconds: number };

/** What happens to try number `k` of job `j` on network `ni` launched at time `t`. */
export const draw = (seed: number, j: SimJob, ni: number, k: number, t: number): Draw => {
  const n = NETWORKS[ni]!;
  const startSeconds = n.startMedianSeconds * Math.exp(0.6 * normal(u01(seed, j.index, ni, k, 2), u01(seed, j.index, ni, k, 3)));
  if (u01(seed, j.index, ni, k, 1) >= failProbability(n, ni, seed, t)) return { kind: 'ok', startSeconds };
  const x = u01(seed, j.index, ni, k, 4);
  if (x < n.mix.refuse) return { kind: 'refuse' };
  if (x < n.mix.refuse + n.mix.hang) return { kind: 'hang' };
  return { kind: 'lost', startSeconds, afterSeconds: j.runSeconds * (0.05 + 0.9 * u01(seed, j.index, ni, k, 5)) };
};

/** The network's offers for a job: fitting shapes, each host's price ±10% as in the fakes. */
export const offersFor = (seed: number, j: SimJob, ni: number): Offer[] => {
  const n = NETWORKS[ni]!;
  const gpu = j.spec.resources.gpu;
  return n.shapes
    .filter((s) => gpu.models.includes(s.gpuModel) && s.maxGpus >= gpu.count)
    .map((s, si) => ({
      provider: n.name,
      offerId: `${n.name}-${si}`,
      gpuModel: s.gpuModel,
      gpuCount: gpu.count,
      vramGb: s.vramGb,
      pricePerGpuHourUsd: n.kind === 'cloud' ? s.pricePerGpuHourUsd : s.pricePerGpuHourUsd * (0.9 + 0.2 * u01(seed, j.index, ni, si, 6)),
      expectedStartSeconds: n.advertisedStartSeconds,
    }));
};

const CLASSES = [
  { share: 0.45, models: ['RTX4090', 'L4', 'A10G'], counts: [1], medianHours: 0.66, ceiling: 1.25 },
  { share: 0.4, models: ['A100-80GB', 'H100'], counts: [1, 2, 4], medianHours: 2, ceiling: 4 },
  { share: 0.15, models: ['H100'], counts: [8], medianHours: 4, ceiling: 8 },
];

/** `count` jobs arriving uniformly over `days`, in arrival order. */
export const makeJobs = (seed: number, count: number, days: number): SimJob[] => {
  const jobs: SimJob[] = [];
  for (let i = 0; i < count; i++) {
    const c = u01(seed, i, 90) < CLASSES[0]!.share ? CLASSES[0]! : u01(seed, i, 90) < CLASSES[0]!.share + CLASSES[1]!.share ? CLASSES[1]! : CLASSES[2]!;
    const hours = Math.min(24, Math.max(5 / 60, c.medianHours * Math.exp(0.8 * normal(u01(seed, i, 91), u01(seed, i, 92)))));
    const runSeconds = Math.round(hours * 3600);
    jobs.push({
      index: i,
      submitAt: u01(seed, i, 93) * days * 86_400,
      runSeconds,
      spec: {
        image: 'bench',
        command: ['train'],
        resources: { gpu: { models: c.models, count: c.counts[Math.floor(u01(seed, i, 94) * c.counts.length)]! } },
        maxDurationSeconds: Math.ceil(runSeconds * 1.5),
        maxPricePerGpuHourUsd: c.ceiling,
        placement: { strategy: 'cheapest', fallback: 'cloud' },
      },
    });
  }
  return jobs.sort((a, b) => a.submitAt - b.submitAt);
};
