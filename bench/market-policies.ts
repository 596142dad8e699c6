// The policies `npm run bench:market` compares. Switchyard runs the real src/core code
// (eligibility, ranking by expected cost, reliability stats, breaker). The informed
// baseline ranks with the same cost formula but the world's TRUE rates, start delays and
// billing at launch time (not outcomes): what perfect estimation would buy.
import { DEFAULT_DISPATCH_CONFIG } from '../src/core/dispatch.js';
import { eligibleProviders, expectedFinishCost, offerFits, rankGathered, scoreOf, RESTORE_SECONDS, START_DEADLINE_SECONDS } from '../src/core/placement.js';
import type { Offer, Provider } from '../src/core/provider.js';
import { InMemoryProviderStats } from '../src/core/reliability-store.js';
import type { SimJob } from './market-world.js';
import { conditionsAt, worldOffers, type World } from './market-worlds.js';
import { deadlineOf, type Policy, type Tried } from './market-sim.js';
import { capacityBackoffSeconds } from '../src/core/capacity-wait.js';
import { cheapOfferKeepsSchedule, type Schedule } from '../src/core/deadline.js';
import { hedgeAfterSeconds, learnedStartDeadlineSeconds } from '../src/core/start-deadline.js';

const offersOf = (world: World, seed: number, job: SimJob, names: string[]): Offer[] =>
  world.networks.flatMap((n, ni) => (names.includes(n.name) ? worldOffers(seed, job, n, ni) : [])).filter((o) => offerFits(o, job.spec));

/** Where a deadline job stands, as src/core/deadline.ts's scheduleOf would say from the job's attempts. */
const scheduleAt = (job: SimJob, now: number, doneSeconds: number): Schedule | undefined => {
  const end = deadlineOf(job);
  if (end === undefined) return undefined;
  const every = job.spec.checkpoint?.everySeconds;
  return {
    submittedMs: job.submitAt * 1000,
    deadlineMs: end * 1000,
    nowMs: now * 1000,
    workSeconds: job.spec.maxDurationSeconds,
    doneSeconds,
    ...(every ? { checkpointEverySeconds: every } : {}),
  };
};

const cheapest = (offers: Offer[]): Offer | undefined => [...offers].sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd)[0];

/** `hedge`: deadline jobs ask for hedged starts (`"hedge": true`, src/core/hedge.ts), as the variant `switchyard+hedge`. */
export const switchyard = (world: World, seed: number, { hedge = false } = {}): Policy => {
  const stats = new InMemoryProviderStats();
  const providers: Provider[] = world.networks.map((n) => ({
    name: n.name,
    kind: n.kind,
    billing: n.declared,
    info: () => ({ name: n.name, kind: n.kind, enabled: true, catalog: [], health: 'healthy' as const }),
    offers: async () => [],
    launch: async () => ({ providerRef: '' }),
    status: async () => ({ state: 'pending' }),
    cancel: async () => undefined,
  }));
  const names = world.networks.map((n) => n.name);
  const startDeadline = (provider: string) => learnedStartDeadlineSeconds(stats.snapshot([provider]).get(provider), START_DEADLINE_SECONDS);
  return {
    name: hedge ? 'switchyard+hedge' : 'switchyard',
    maxAttempts: DEFAULT_DISPATCH_CONFIG.maxAttempts,
    retrySameNetwork: false,
    // The dispatcher's budget and capacity wait (src/core/capacity-wait.ts). ASSUMPTION: the
    // bench's refusals are capacity refusals ("no machine free"), the common kind.
    budgeted: (history) => history.filter((t) => t.kind !== 'refused' && !t.lostHedge && !t.moved).length,
    capacityWaitSeconds: capacityBackoffSeconds,
    // The reconciler's start deadline, learned from the starts this policy has seen.
    startDeadlineSeconds: startDeadline,
    // The reconciler's hedge time: past the p75 of the provider's recent starts (src/core/start-deadline.ts).
    ...(hedge ? { hedgeAfterSeconds: (job: SimJob, provider: string) => (job.spec.deadline ? hedgeAfterSeconds(stats.snapshot([provider]).get(provider), startDeadline(provider)) : undefined) } : {}),
    // The reconciler's late-start move for deadline jobs (src/core/pending-start.ts, ./market-move.ts).
    moveLateAt: (job, doneSeconds) => {
      if (!job.spec.deadline) return undefined;
      const keeps = (t: number) => cheapOfferKeepsSchedule(scheduleAt(job, t, doneSeconds)!, 0, RESTORE_SECONDS);
      return (provider, launchedAt, pendingUntil) => {
        const from = launchedAt + hedgeAfterSeconds(stats.snapshot([provider]).get(provider), startDeadline(provider));
        if (from >= pendingUntil || keeps(pendingUntil)) return undefined;
        if (!keeps(from)) return from;
        // The slack runs out between the two: the first pass after that moves it.
        let [lo, hi] = [from, pendingUntil];
        while (hi - lo > 1) {
          const mid = (lo + hi) / 2;
          if (keeps(mid)) lo = mid;
          else hi = mid;
        }
        return hi;
      };
    },
    choose(job, _tried, now, attemptId, doneSeconds, past) {
      const at = new Date(now * 1000);
      const schedule = scheduleAt(job, now, doneSeconds);
      const ctx = { now: at, stats: stats.snapshot(names), reliability: stats.config, explorationKey: attemptId, ...(schedule ? { schedule } : {}) };
      const key = (t: { provider: string; offerId: string }) => `${t.provider}/${t.offerId}`;
      const times = (t: Tried) => past.history.filter((b) => key(b) === key(t)).length;
      // The dispatcher's rounds (src/core/dispatch.ts, placeAndLaunch): providers not tried yet;
      // other offers of those tried; one more try of an offer that launched once. A refusal
      // from before the job's last capacity wait is no refusal now.
      for (const round of ['new-providers', 'other-offers', 'second-try'] as const) {
        const triedProviders = new Set(round === 'new-providers' ? past.history.map((t) => t.provider) : []);
        const excludeOffers = new Set(
          past.history
            .filter((t) => !(t.kind === 'refused' && t.at < past.waitedUntil))
            .filter((t) => round !== 'second-try' || t.kind === 'refused' || times(t) > 1)
            .map(key),
        );
        const eligible = eligibleProviders(providers, job.spec, triedProviders, ctx);
        const gathered = eligible.map((p) => {
          const ni = names.indexOf(p.name);
          return { provider: p.name, kind: p.kind, billing: p.billing!, offers: worldOffers(seed, job, world.networks[ni]!, ni) };
        });
        const { offers, halfOpen } = rankGathered(gathered, job.spec, { ...ctx, excludeOffers });
        const chosen = offers.find((o) => !halfOpen.includes(o.provider) || stats.claimProbeSync(o.provider, attemptId, at));
        if (chosen) return chosen;
      }
      return undefined;
    },
    observe: (o) => void stats.recordSync({ ...o, at: new Date(o.at * 1000).toISOString() }),
  };
};

// SkyPilot-like: every fitting offer anywhere, cheapest list price first; on failure, the next cheapest network.
export const cheapestFirst = (world: World, seed: number): Policy => ({
  name: 'cheapest-first',
  maxAttempts: DEFAULT_DISPATCH_CONFIG.maxAttempts,
  retrySameNetwork: false,
  choose: (job, tried) => cheapest(offersOf(world, seed, job, world.networks.map((n) => n.name).filter((n) => !tried.includes(n)))),
  observe: () => undefined,
});

// One network, as a user scripting it directly would: up to 3 machines there, then give up.
export const only = (name: string, network: string, world: World, seed: number): Policy => ({
  name,
  maxAttempts: 3,
  retrySameNetwork: true,
  choose: (job) => cheapest(offersOf(world, seed, job, [network])),
  observe: () => undefined,
});

/** The standard normal CDF (Abramowitz–Stegun 7.1.26). */
const phi = (x: number): number => {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
};

export const informed = (world: World, seed: number): Policy => ({
  name: 'informed',
  maxAttempts: DEFAULT_DISPATCH_CONFIG.maxAttempts,
  retrySameNetwork: false,
  choose(job, tried, now) {
    let best: { offer: Offer; score: number } | undefined;
    world.networks.forEach((n, ni) => {
      if (tried.includes(n.name)) return;
      const { factor, outage } = conditionsAt(n, ni, seed, now);
      for (const offer of worldOffers(seed, job, n, ni).filter((o) => offerFits(o, job.spec))) {
        const every = (job.spec as { checkpoint?: { everySeconds: number } }).checkpoint?.everySeconds;
        const fail = Math.min(0.97, (n.refuse + n.hang) * factor);
        const late = 1 - phi(Math.log(START_DEADLINE_SECONDS / n.startMedianSeconds) / 0.6);
        const cost = expectedFinishCost({
          pricePerGpuHourUsd: offer.pricePerGpuHourUsd,
          gpus: offer.gpuCount,
          runSeconds: job.spec.maxDurationSeconds,
          ...(every ? { checkpointEverySeconds: every } : {}),
          restoreSeconds: RESTORE_SECONDS,
          lossPerHour: n.lossPerHour * factor,
          pStart: outage ? 0.02 : (1 - fail) * (1 - late),
          missShare: outage ? 1 : (n.hang * factor + late) / Math.max(1e-9, fail + late),
          // The lognormal's mean (σ = 0.6); a start past the deadline is a hang, counted as such.
          startSeconds: Math.min(START_DEADLINE_SECONDS, n.startMedianSeconds * Math.exp(0.18)),
          startDeadlineSeconds: START_DEADLINE_SECONDS,
          billing: n.billing,
        });
        const score = scoreOf(job.spec, offer.pricePerGpuHourUsd, cost);
        if (!best || score < best.score) best = { offer, score };
      }
    });
    return best?.offer;
  },
  observe: () => undefined,
});
