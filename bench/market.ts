// `npm run bench:market [-- --json] [--jobs N] [--seed S] [--days D]`: a seeded market
// simulation comparing, on the same jobs and the same luck, Switchyard's placement (the
// real src/core ranking, reliability stats and breaker), cheapest-first failover
// (SkyPilot-like), one decentralized network with no fallback, AWS on-demand only, and an
// oracle that knows every outcome. Event-driven: a policy learns an outcome only when the
// attempt ends, as the reconciler would. Figures are printed, never asserted.
import { DEFAULT_DISPATCH_CONFIG } from '../src/core/dispatch.js';
import { eligibleProviders, offerFits, rankGathered } from '../src/core/placement.js';
import type { Offer, Provider } from '../src/core/provider.js';
import { DEFAULT_RECONCILE_CONFIG } from '../src/core/reconcile.js';
import type { AttemptOutcomeKind } from '../src/core/reliability.js';
import { InMemoryProviderStats } from '../src/core/reliability-store.js';
import { runReleaseBench } from './market-release.js';
import { NETWORKS, draw, makeJobs, offersFor, type Draw, type SimJob } from './market-world.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const JSON_OUT = process.argv.includes('--json');
const SEED = arg('seed', 7);
const JOBS = arg('jobs', 12_000);
const DAYS = arg('days', 14);
const RELEASE_JOBS = arg('release-jobs', 300);
const START_DEADLINE = DEFAULT_RECONCILE_CONFIG.startDeadlineSeconds;
const REFUSAL_SECONDS = 10;

const index = new Map(NETWORKS.map((n, i) => [n.name, i]));

interface Choice {
  offer: Offer;
}

interface Policy {
  name: string;
  maxAttempts: number;
  /** May a failed network be tried again for the same job (a new machine there)? */
  retrySameNetwork: boolean;
  choose(job: SimJob, tried: string[], now: number, attemptId: string): Choice | undefined;
  observe(outcome: { attemptId: string; provider: string; gpuModel: string; kind: AttemptOutcomeKind; startSeconds?: number; at: number }): void;
}

const cheapestFitting = (job: SimJob, networks: string[]): Offer | undefined =>
  networks
    .flatMap((n) => offersFor(SEED, job, index.get(n)!))
    .filter((o) => offerFits(o, job.spec))
    .sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd)[0];

// Switchyard: the same eligibility, ranking, stats and breaker the dispatcher uses.
// `asNetwork` treats the named clouds as first-tier networks (a what-if, printed apart).
const switchyard = (name = 'switchyard', asNetwork: string[] = []): Policy => {
  const stats = new InMemoryProviderStats();
  const providers: Provider[] = NETWORKS.map((n) => ({
    name: n.name,
    kind: asNetwork.includes(n.name) ? ('decentralized' as const) : n.kind,
    info: () => ({ name: n.name, kind: n.kind, enabled: true, catalog: [], health: 'healthy' as const }),
    offers: async () => [],
    launch: async () => ({ providerRef: '' }),
    status: async () => ({ state: 'pending' }),
    cancel: async () => undefined,
  }));
  const names = NETWORKS.map((n) => n.name);
  return {
    name,
    maxAttempts: DEFAULT_DISPATCH_CONFIG.maxAttempts,
    retrySameNetwork: false,
    choose(job, tried, now, attemptId) {
      const at = new Date(now * 1000);
      const ctx = { now: at, stats: stats.snapshot(names), reliability: stats.config };
      const eligible = eligibleProviders(providers, job.spec, new Set(tried), ctx);
      const gathered = eligible.map((p) => ({ provider: p.name, kind: p.kind, offers: offersFor(SEED, job, index.get(p.name)!) }));
      const { offers, halfOpen } = rankGathered(gathered, job.spec, ctx);
      const offer = offers.find((o) => !halfOpen.includes(o.provider) || stats.claimProbeSync(o.provider, attemptId, at));
      return offer ? { offer } : undefined;
    },
    observe: (o) => void stats.recordSync({ ...o, at: new Date(o.at * 1000).toISOString() }),
  };
};

// SkyPilot-like: every fitting offer anywhere, cheapest first; on failure, the next cheapest.
const cheapestFirst = (): Policy => ({
  name: 'cheapest-first',
  maxAttempts: DEFAULT_DISPATCH_CONFIG.maxAttempts,
  retrySameNetwork: false,
  choose: (job, tried) => {
    const offer = cheapestFitting(job, NETWORKS.map((n) => n.name).filter((n) => !tried.includes(n)));
    return offer ? { offer } : undefined;
  },
  observe: () => undefined,
});

// One network, as a user scripting it directly would: up to 3 machines there, then give up.
const only = (name: string, network: string): Policy => ({
  name,
  maxAttempts: 3,
  retrySameNetwork: true,
  choose: (job) => {
    const offer = cheapestFitting(job, [network]);
    return offer ? { offer } : undefined;
  },
  observe: () => undefined,
});

interface Result {
  completed: number;
  spendUsd: number;
  gpuHoursDone: number;
  startSeconds: number[];
  attempts: number;
  faults: Map<string, { tries: number; faults: number }>;
  spendBy: Map<string, number>;
}

const newResult = (): Result => ({ completed: 0, spendUsd: 0, gpuHoursDone: 0, startSeconds: [], attempts: 0, faults: new Map(), spendBy: new Map() });

/** A binary min-heap of [time, job, pending outcome]. */
class Events<T> {
  private items: { t: number; v: T }[] = [];
  push(t: number, v: T) {
    const a = this.items;
    a.push({ t, v });
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p]!.t <= a[i]!.t) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { t: number; v: T } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.t < a[m]!.t) m = l;
        if (r < a.length && a[r]!.t < a[m]!.t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

type Pending = Parameters<Policy['observe']>[0] & { done: boolean };

const runPolicy = (policy: Policy, jobs: SimJob[]): Result => {
  const res = newResult();
  const tried = jobs.map(() => [] as string[]);
  const firstStart = jobs.map(() => Number.NaN);
  const events = new Events<{ job: SimJob; pending?: Pending }>();
  for (const job of jobs) events.push(job.submitAt, { job });
  for (let e = events.pop(); e; e = events.pop()) {
    const { job, pending } = e.v;
    if (pending) {
      policy.observe(pending);
      if (pending.done) continue;
    }
    const mine = tried[job.index]!;
    if (mine.length >= policy.maxAttempts) continue; // the job fails with every attempt's reason
    const attemptId = `j${job.index}-a${mine.length + 1}`;
    const choice = policy.choose(job, policy.retrySameNetwork ? [] : mine, e.t, attemptId);
    if (!choice) continue;
    const { offer } = choice;
    const ni = index.get(offer.provider)!;
    const k = mine.filter((n) => n === offer.provider).length;
    mine.push(offer.provider);
    res.attempts++;
    const d: Draw = draw(SEED, job, ni, k, e.t);
    const f = res.faults.get(offer.provider) ?? { tries: 0, faults: 0 };
    f.tries++;
    if (d.kind !== 'ok') f.faults++;
    res.faults.set(offer.provider, f);
    const base = { attemptId, provider: offer.provider, gpuModel: offer.gpuModel };
    const rate = offer.pricePerGpuHourUsd * offer.gpuCount;
    if (d.kind === 'refuse') events.push(e.t + REFUSAL_SECONDS, { job, pending: { ...base, kind: 'refused', at: e.t + REFUSAL_SECONDS, done: false } });
    else if (d.kind === 'hang') events.push(e.t + START_DEADLINE, { job, pending: { ...base, kind: 'start-missed', at: e.t + START_DEADLINE, done: false } });
    else {
      const started = e.t + d.startSeconds;
      if (Number.isNaN(firstStart[job.index]!)) firstStart[job.index] = started - job.submitAt;
      const ran = d.kind === 'lost' ? d.afterSeconds : job.runSeconds;
      res.spendUsd += (rate * ran) / 3600; // billed for running time, lost runs included
      res.spendBy.set(offer.provider, (res.spendBy.get(offer.provider) ?? 0) + (rate * ran) / 3600);
      const end = started + ran;
      if (d.kind === 'ok') {
        res.completed++;
        res.gpuHoursDone += (offer.gpuCount * job.runSeconds) / 3600;
      }
      events.push(end, { job, pending: { ...base, kind: d.kind === 'ok' ? 'delivered' : 'lost', startSeconds: d.startSeconds, at: end, done: d.kind === 'ok' } });
    }
  }
  res.startSeconds = firstStart.filter((s) => !Number.isNaN(s)).sort((a, b) => a - b);
  return res;
};

// The oracle sees every draw: at submit it takes the cheapest machine that will finish.
const runOracle = (jobs: SimJob[]): Result => {
  const res = newResult();
  for (const job of jobs) {
    let best: { cost: number; start: number; gpus: number; network: string } | undefined;
    NETWORKS.forEach((n, ni) => {
      const offer = offersFor(SEED, job, ni).filter((o) => offerFits(o, job.spec)).sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd)[0];
      if (!offer) return;
      for (let k = 0; k < DEFAULT_DISPATCH_CONFIG.maxAttempts; k++) {
        const d = draw(SEED, job, ni, k, job.submitAt);
        if (d.kind !== 'ok') continue;
        const cost = (offer.pricePerGpuHourUsd * offer.gpuCount * job.runSeconds) / 3600;
        if (!best || cost < best.cost || (cost === best.cost && d.startSeconds < best.start)) best = { cost, start: d.startSeconds, gpus: offer.gpuCount, network: n.name };
        break;
      }
    });
    if (!best) continue;
    res.completed++;
    res.spendUsd += best.cost;
    res.spendBy.set(best.network, (res.spendBy.get(best.network) ?? 0) + best.cost);
    res.gpuHoursDone += (best.gpus * job.runSeconds) / 3600;
    res.startSeconds.push(best.start);
  }
  res.startSeconds.sort((a, b) => a - b);
  return res;
};

const pct = (sorted: number[], p: number): number => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

const jobs = makeJobs(SEED, JOBS, DAYS);
const results: Record<string, Result> = {
  switchyard: runPolicy(switchyard(), jobs),
  'cheapest-first': runPolicy(cheapestFirst(), jobs),
  'single-network': runPolicy(only('single-network', 'vastai'), jobs),
  'cloud-only': runPolicy(only('cloud-only', 'aws-batch'), jobs),
  oracle: runOracle(jobs),
};
// Not one of the five: how much of the gap to cheapest-first is the "clouds last" rule,
// since RunPod's community GPUs are priced like a decentralized network's.
const whatIf = JSON_OUT ? undefined : runPolicy(switchyard('switchyard*', ['runpod']), jobs);

const summary = Object.fromEntries(
  Object.entries(results).map(([name, r]) => [
    name,
    {
      completionRate: round(r.completed / jobs.length, 4),
      costPerGpuHourUsd: round(r.spendUsd / r.gpuHoursDone, 4),
      p50StartSeconds: round(pct(r.startSeconds, 0.5), 1),
      p95StartSeconds: round(pct(r.startSeconds, 0.95), 1),
    },
  ]),
);

// Nothing bills after its job: the real dispatcher and reconciler on metered networks.
const released = await runReleaseBench(SEED, RELEASE_JOBS);
const billedAfterEndSeconds = Object.fromEntries(
  Object.entries(released).map(([name, r]) => [
    name,
    {
      endedAttempts: r.endedAttempts,
      stillHeld: r.stillHeld,
      stopSeconds: r.stopSeconds,
      maxBilledAfterEndSeconds: r.maxBilledAfterEndSeconds,
      totalBilledAfterEndSeconds: r.billedAfterEndSeconds,
      maxBeyondStopSeconds: r.maxBeyondStopSeconds,
      maxAfterWorkloadEndSeconds: r.maxAfterWorkloadEndSeconds,
    },
  ]),
);

if (JSON_OUT) {
  console.log(JSON.stringify({ policies: summary, billedAfterEndSeconds }));
} else {
  const sy = summary.switchyard!.costPerGpuHourUsd;
  console.log(`bench:market — ${jobs.length} jobs over ${DAYS} days, seed ${SEED}; billed for running time (lost runs included)`);
  console.log('\nnetworks (prices: public lists as cited in the catalogs and fakes)');
  for (const n of NETWORKS) {
    const seen = [...Object.values(results)].reduce((a, r) => ({ t: a.t + (r.faults.get(n.name)?.tries ?? 0), f: a.f + (r.faults.get(n.name)?.faults ?? 0) }), { t: 0, f: 0 });
    const observed = seen.t > 0 ? `${((100 * seen.f) / seen.t).toFixed(1)}% of ${seen.t} tries` : 'not tried';
    console.log(`  ${n.name.padEnd(10)} ${n.kind.padEnd(13)} failure ${(n.failureRate * 100).toFixed(0).padStart(2)}% (observed ${observed}); ${n.source}`);
  }
  console.log('\npolicy           completion  $/completed GPU-h  p50 start  p95 start  attempts');
  for (const [name, s] of Object.entries(summary)) {
    const r = results[name]!;
    console.log(
      `  ${name.padEnd(15)} ${(s.completionRate * 100).toFixed(1).padStart(8)}%  ${s.costPerGpuHourUsd.toFixed(3).padStart(17)}  ${s.p50StartSeconds.toFixed(0).padStart(8)}s  ${s.p95StartSeconds.toFixed(0).padStart(8)}s  ${String(r.attempts || '-').padStart(8)}`,
    );
  }
  console.log('\nspend by network');
  for (const [name, r] of Object.entries(results)) {
    const parts = [...r.spendBy.entries()].sort((a, b) => b[1] - a[1]).map(([n, usd]) => `${n} ${((100 * usd) / r.spendUsd).toFixed(0)}%`);
    console.log(`  ${name.padEnd(15)} $${Math.round(r.spendUsd).toLocaleString('en-US').padStart(9)}  ${parts.join(', ')}`);
  }
  if (whatIf) {
    const c = whatIf.spendUsd / whatIf.gpuHoursDone;
    console.log(`\nswitchyard* (same code, RunPod ranked with the networks instead of held back as a cloud):`);
    console.log(`  completion ${((100 * whatIf.completed) / jobs.length).toFixed(1)}%, $${c.toFixed(3)}/completed GPU-h, p50 start ${pct(whatIf.startSeconds, 0.5).toFixed(0)}s, p95 ${pct(whatIf.startSeconds, 0.95).toFixed(0)}s; ÷ oracle ${(c / summary.oracle!.costPerGpuHourUsd).toFixed(3)}`);
  }
  console.log(`\nswitchyard cost ÷ oracle:     ${(sy / summary.oracle!.costPerGpuHourUsd).toFixed(3)}`);
  console.log(`switchyard cost ÷ cloud-only: ${(sy / summary['cloud-only']!.costPerGpuHourUsd).toFixed(3)}`);
  console.log('time to start: submit → first attempt running, over jobs that ever started (oracle: its one attempt)');
  console.log(`\nbilledAfterEndSeconds — ${RELEASE_JOBS} jobs through the real dispatcher and reconciler (1 pass/min), machines billing until stopped; stop times assumed`);
  console.log('network     machines  stop(s)  max after end(s)  total after end(s)  max beyond stop(s)  max after workload end(s)  still held');
  for (const [name, r] of Object.entries(billedAfterEndSeconds)) {
    console.log(
      `  ${name.padEnd(10)} ${String(r.endedAttempts).padStart(8)} ${String(r.stopSeconds).padStart(8)} ${r.maxBilledAfterEndSeconds.toFixed(0).padStart(17)} ${r.totalBilledAfterEndSeconds.toFixed(0).padStart(19)} ${r.maxBeyondStopSeconds.toFixed(0).padStart(19)} ${r.maxAfterWorkloadEndSeconds.toFixed(0).padStart(26)} ${String(r.stillHeld).padStart(11)}`,
    );
  }
}
