// The worlds of `npm run bench:market`: the same networks and price lists (market-world.ts),
// each world changing one thing that tells policies apart. A network's truth: P(refused),
// P(stuck before starting) per launch, losses per running hour, bad 2-hour windows, outages
// that refuse launches and kill running machines, and what it bills (starts at launch or
// running, unit). The truth is the bench's; placement only ever sees outcomes (switchyard)
// or, for the informed baseline, these rates.
import type { BillingTerms, Offer, ProviderKind } from '../src/core/provider.js';
import { NETWORKS, makeJobs, u01, type Shape, type SimJob } from './market-world.js';

export interface NetworkTruth {
  name: string;
  kind: ProviderKind;
  shapes: Shape[];
  priceFactor: number;
  advertisedStartSeconds: number;
  startMedianSeconds: number;
  refuse: number;
  hang: number;
  lossPerHour: number;
  /** Share of 2-hour windows that are bad, and how much worse every rate is inside them. */
  badShare: number;
  badFactor: number;
  /** [from, to) seconds: launches hang, and machines running at `from` are lost. */
  outages: [number, number][];
  billing: BillingTerms;
  /** The billing terms the adapter declares (src/providers/<name>: `billing`). */
  declared: BillingTerms;
}

export interface World {
  name: string;
  about: string;
  networks: NetworkTruth[];
  jobs: (seed: number, count: number, days: number) => SimJob[];
}

// What each adapter declares (copied from the one-line declarations, with their sources there).
const DECLARED: Record<string, BillingTerms> = {
  akash: { startsAt: 'launch', unitSeconds: 6 },
  ionet: { startsAt: 'launch', unitSeconds: 3600 },
  nosana: { startsAt: 'running', unitSeconds: 1 },
  vastai: { startsAt: 'running', unitSeconds: 1 },
  runpod: { startsAt: 'launch', unitSeconds: 1 },
  'gcp-batch': { startsAt: 'launch', unitSeconds: 60 },
  'aws-batch': { startsAt: 'launch', unitSeconds: 60 },
};

const FREE_WAIT: BillingTerms = { startsAt: 'running', unitSeconds: 1 };

/** The base truth: market-world's failure rates split into per-launch and per-running-hour parts. */
const base = (billed: boolean): NetworkTruth[] =>
  NETWORKS.map((n) => ({
    name: n.name,
    kind: n.kind,
    shapes: n.shapes,
    priceFactor: 1,
    advertisedStartSeconds: n.advertisedStartSeconds,
    startMedianSeconds: n.startMedianSeconds,
    refuse: n.failureRate * n.mix.refuse,
    hang: n.failureRate * n.mix.hang,
    // The mean job runs ~2 h: a per-attempt loss share spread over that.
    lossPerHour: (n.failureRate * n.mix.lost) / 2,
    badShare: n.badShare,
    badFactor: n.badShare > 0 ? 4 : 1,
    outages: [],
    billing: billed ? DECLARED[n.name]! : FREE_WAIT,
    declared: billed ? DECLARED[n.name]! : FREE_WAIT,
  }));

const edit = (nets: NetworkTruth[], name: string, change: Partial<NetworkTruth>): NetworkTruth[] =>
  nets.map((n) => (n.name === name ? { ...n, ...change } : n));

const H = 3600;
const D = 86_400;

/** Long jobs: 8–24 h, half of them checkpointing every 30 minutes. */
const longJobs = (seed: number, count: number, days: number): SimJob[] =>
  makeJobs(seed, count, days).map((j) => {
    const runSeconds = Math.round((8 + 16 * u01(seed, j.index, 95)) * H);
    const checkpoint = u01(seed, j.index, 96) < 0.5 ? { checkpoint: { path: '/ckpt', everySeconds: 1800 } } : {};
    const spec = { ...j.spec, maxDurationSeconds: Math.ceil(runSeconds * 1.5), ...checkpoint };
    return { ...j, runSeconds, spec };
  });

/** Share of jobs that declare a deadline in their spec (the rest have none). */
export const DEADLINE_SHARE = 0.25;

/**
 * A seeded quarter of the jobs declares `deadline`: submission plus twice the declared
 * maxDurationSeconds, or plus maxDurationSeconds and 3 h, whichever is later. Placement
 * sees it as a user's job would (src/core/deadline.ts); the bench counts it met when the
 * job finished by then.
 */
const withDeadlines =
  (make: World['jobs']): World['jobs'] =>
  (seed, count, days) =>
    make(seed, count, days).map((j) => {
      if (u01(seed, j.index, 97) >= DEADLINE_SHARE) return j;
      const w = j.spec.maxDurationSeconds;
      const at = j.submitAt + Math.max(2 * w, w + 3 * H);
      return { ...j, spec: { ...j.spec, deadline: new Date(at * 1000).toISOString() } };
    });

const jobs = withDeadlines(makeJobs);

export const WORLDS: World[] = [
  { name: 'current', about: 'the PR-era world: waiting free, losses spread over the run', networks: base(false), jobs },
  {
    name: 'flaky-cheap',
    about: 'io.net and Nosana 25% cheaper but losing machines at 0.25/running hour',
    networks: edit(edit(base(true), 'ionet', { priceFactor: 0.75, lossPerHour: 0.25 }), 'nosana', { priceFactor: 0.75, lossPerHour: 0.25 }),
    jobs,
  },
  {
    name: 'outage',
    about: 'Vast.ai and Akash each down twice for 6 h: launches hang, running machines die',
    networks: edit(edit(base(true), 'vastai', { outages: [[3 * D, 3 * D + 6 * H], [8 * D, 8 * D + 6 * H]] }), 'akash', { outages: [[5 * D, 5 * D + 6 * H], [11 * D, 11 * D + 6 * H]] }),
    jobs,
  },
  { name: 'long-jobs', about: 'jobs of 8–24 h, half checkpointing every 30 min', networks: base(true), jobs: withDeadlines(longJobs) },
  {
    name: 'lying-start',
    about: 'Akash advertises a 30 s start; its true median is 480 s, so many launches pass the 600 s deadline (billed from launch)',
    networks: edit(base(true), 'akash', { advertisedStartSeconds: 30, startMedianSeconds: 480 }),
    jobs,
  },
  {
    name: 'billed-waiting',
    about: 'billing as the adapters declare it, and every start 2.5× slower',
    networks: base(true).map((n) => ({ ...n, startMedianSeconds: n.startMedianSeconds * 2.5 })),
    jobs,
  },
];

/** A network's offers for a job: fitting shapes, each host's price ±10% as in the fakes. */
export const worldOffers = (seed: number, j: SimJob, n: NetworkTruth, ni: number): Offer[] => {
  const gpu = j.spec.resources.gpu;
  return n.shapes
    .filter((s) => gpu.models.includes(s.gpuModel) && s.maxGpus >= gpu.count)
    .map((s, si) => ({
      provider: n.name,
      offerId: `${n.name}-${si}`,
      gpuModel: s.gpuModel,
      gpuCount: gpu.count,
      vramGb: s.vramGb,
      pricePerGpuHourUsd: n.priceFactor * (n.kind === 'cloud' ? s.pricePerGpuHourUsd : s.pricePerGpuHourUsd * (0.9 + 0.2 * u01(seed, j.index, ni, si, 6))),
      expectedStartSeconds: n.advertisedStartSeconds,
    }));
};

const WINDOW_SECONDS = 2 * H;

/** How much worse than usual the network is at time t (bad windows), and whether it is in an outage. */
export const conditionsAt = (n: NetworkTruth, ni: number, seed: number, t: number): { factor: number; outage: boolean } => ({
  factor: u01(seed, ni, Math.floor(t / WINDOW_SECONDS), 17) < n.badShare ? n.badFactor : 1,
  outage: n.outages.some(([a, b]) => t >= a && t < b),
});
