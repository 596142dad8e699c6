// The event loop of `npm run bench:market`: one world, one seed, one policy. A policy
// learns an attempt's outcome only when the attempt ends, as the reconciler would. Draws
// are keyed by (job, network, try there, launch time): every policy faces the same luck.
// Money is what the network bills: from launch or from running, rounded up to its unit;
// a loss keeps the work up to the job's last checkpoint, if it has one.
import type { BillingTerms, Offer } from '../src/core/provider.js';
import { RESTORE_SECONDS, START_DEADLINE_SECONDS } from '../src/core/placement.js';
import type { AttemptOutcomeKind } from '../src/core/reliability.js';
import { u01, type SimJob } from './market-world.js';
import { conditionsAt, worldOffers, type NetworkTruth, type World } from './market-worlds.js';
import { raceHedge } from './market-hedge.js';
import { applyMove, moveTime } from './market-move.js';

export const REFUSAL_SECONDS = 10;

export interface Observation {
  attemptId: string;
  provider: string;
  gpuModel: string;
  kind: AttemptOutcomeKind;
  startSeconds?: number;
  runSeconds?: number;
  at: number;
}

/** One earlier attempt of a job, as the dispatcher sees it in the job's attempts. */
export interface Tried {
  provider: string;
  offerId: string;
  kind: Outcome['kind'];
  at: number;
  /** A hedge's loser, stopped because the other launch ran first (./market-hedge.ts). */
  lostHedge?: boolean;
  /** A late start given up to move the deadline job to a reliable offer (./market-move.ts). */
  moved?: boolean;
}

/** What a policy may know of a job's past: its attempts, and when it last came back from waiting for capacity. */
export interface JobPast {
  history: readonly Tried[];
  /** Refusals launched before this instant are from an earlier try (the job has waited since). */
  waitedUntil: number;
}

export interface Policy {
  name: string;
  maxAttempts: number;
  /** May a failed network be tried again for the same job (a new machine there)? */
  retrySameNetwork: boolean;
  /** Attempts that count against maxAttempts (all of them when unset). */
  budgeted?: (history: readonly Tried[]) => number;
  /** With no offer left after refusals, the job waits this long (by the number of waits so far) and tries again; it fails when unset. */
  capacityWaitSeconds?: (waits: number) => number;
  /**
   * How long a launch on `provider` may stay pending before it is given up (a start-missed);
   * the fixed START_DEADLINE_SECONDS when unset. Switchyard's is learned per provider, as the
   * reconciler's is (src/core/start-deadline.ts).
   */
  startDeadlineSeconds?: (provider: string) => number;
  /** After how long a pending launch on `provider` is late enough to hedge (./market-hedge.ts); undefined: no hedge. */
  hedgeAfterSeconds?: (job: SimJob, provider: string) => number | undefined;
  /**
   * When a deadline job's launch on `provider`, pending from `launchedAt` until `pendingUntil`,
   * is moved to a reliable offer (./market-move.ts); undefined: it is not.
   */
  moveLateAt?: (job: SimJob, doneSeconds: number) => ((provider: string, launchedAt: number, pendingUntil: number) => number | undefined) | undefined;
  /** `doneSeconds`: the job's work a restart keeps (its checkpointed progress), for deadline placement. */
  choose(job: SimJob, tried: string[], now: number, attemptId: string, doneSeconds: number, past: JobPast): Offer | undefined;
  observe(o: Observation): void;
}

/** Bounds a job's attempts when refusals are not budgeted, and its waits (24 h of backoff at most). */
const MAX_SIM_ATTEMPTS = 30;
const MAX_CAPACITY_WAITS = 12;

export type Outcome =
  | { kind: 'refused' }
  | { kind: 'start-missed' }
  | { kind: 'lost'; startSeconds: number; ranSeconds: number }
  | { kind: 'delivered'; startSeconds: number };

const normal = (a: number, b: number): number => Math.sqrt(-2 * Math.log(Math.max(a, 1e-12))) * Math.cos(2 * Math.PI * b);

/**
 * What happens to try `k` of job `j` on network `ni`, launched at `t`, needing `need` running
 * seconds, given up if not running after `startDeadline` seconds. The draws do not depend on
 * the deadline: every policy faces the same starts, and only where it gives up differs.
 */
export const drawAttempt = (n: NetworkTruth, ni: number, seed: number, j: SimJob, k: number, t: number, need: number, startDeadline = START_DEADLINE_SECONDS): Outcome => {
  const { factor, outage } = conditionsAt(n, ni, seed, t);
  if (outage) return { kind: 'start-missed' };
  const x = u01(seed, j.index, ni, k, 1);
  if (x < Math.min(0.95, n.refuse * factor)) return { kind: 'refused' };
  if (x < Math.min(0.97, (n.refuse + n.hang) * factor)) return { kind: 'start-missed' };
  const startSeconds = n.startMedianSeconds * Math.exp(0.6 * normal(u01(seed, j.index, ni, k, 2), u01(seed, j.index, ni, k, 3)));
  if (startSeconds > startDeadline) return { kind: 'start-missed' };
  const rate = (n.lossPerHour * factor) / 3600;
  let lossAt = rate > 0 ? -Math.log(Math.max(u01(seed, j.index, ni, k, 5), 1e-12)) / rate : Infinity;
  const running = t + startSeconds;
  for (const [a] of n.outages) if (a > running && a < running + need) lossAt = Math.min(lossAt, a - running);
  return lossAt < need ? { kind: 'lost', startSeconds, ranSeconds: lossAt } : { kind: 'delivered', startSeconds };
};

/** Seconds the network bills for an attempt that ran `ran` seconds: from launch or from running, rounded up to its unit. */
const billed = (o: Outcome, billing: BillingTerms, ran: number, startDeadline = START_DEADLINE_SECONDS): number => {
  const fromLaunch = billing.startsAt === 'launch';
  const raw = o.kind === 'refused' ? 0 : o.kind === 'start-missed' ? (fromLaunch ? startDeadline : 0) : (fromLaunch ? o.startSeconds : 0) + ran;
  return raw > 0 && billing.unitSeconds > 1 ? Math.ceil(raw / billing.unitSeconds) * billing.unitSeconds : raw;
};

export interface Tally {
  jobs: number;
  completed: number;
  spendUsd: number;
  /** Spend on running time that became the finished work; the rest is billed waste. */
  usefulUsd: number;
  gpuHoursDone: number;
  starts: number[];
  attempts: number;
  deadlineFeasible: number;
  deadlineMet: number;
  /** Hedged launches, how many ran first, and what the losers billed (in spendUsd too). */
  hedges: number;
  hedgeWins: number;
  hedgeLossUsd: number;
  moves: number;
}

export const newTally = (): Tally => ({ jobs: 0, completed: 0, spendUsd: 0, usefulUsd: 0, gpuHoursDone: 0, starts: [], attempts: 0, deadlineFeasible: 0, deadlineMet: 0, hedges: 0, hedgeWins: 0, hedgeLossUsd: 0, moves: 0 });

/** The deadline a job declares (market-worlds.ts: withDeadlines), in bench seconds; undefined without one. */
export const deadlineOf = (j: SimJob): number | undefined => (j.spec.deadline === undefined ? undefined : Date.parse(j.spec.deadline) / 1000);

const checkpointEvery = (j: SimJob): number | undefined => (j.spec as { checkpoint?: { everySeconds: number } }).checkpoint?.everySeconds;

/** A binary min-heap of timed events. */
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

export const runPolicy = (world: World, seed: number, policy: Policy, jobs: SimJob[], feasible: boolean[], into: Tally): void => {
  const index = new Map(world.networks.map((n, i) => [n.name, i]));
  const history = jobs.map(() => [] as Tried[]);
  const waited = jobs.map(() => ({ count: 0, until: Number.NEGATIVE_INFINITY }));
  const progress = jobs.map(() => 0);
  const firstStart = jobs.map(() => Number.NaN);
  const events = new Events<{ job: SimJob; pending?: Observation; done?: boolean }>();
  for (const job of jobs) events.push(job.submitAt, { job });
  into.jobs += jobs.length;
  for (const j of jobs) if (feasible[j.index]) into.deadlineFeasible++;
  for (let e = events.pop(); e; e = events.pop()) {
    const { job, pending, done } = e.v;
    if (pending) policy.observe(pending);
    if (done) continue;
    const past = history[job.index]!;
    const wait = waited[job.index]!;
    // The job fails with every attempt's reason once its budget is spent.
    if ((policy.budgeted ? policy.budgeted(past) : past.length) >= policy.maxAttempts || past.length >= MAX_SIM_ATTEMPTS) continue;
    const attemptId = `j${job.index}-a${past.length + 1}`;
    const tried = policy.retrySameNetwork ? [] : past.map((t) => t.provider);
    const offer = policy.choose(job, tried, e.t, attemptId, progress[job.index]!, { history: past, waitedUntil: wait.until });
    if (!offer) {
      // As the dispatcher does (src/core/capacity-wait.ts): refused everywhere, wait and ask again.
      if (policy.capacityWaitSeconds && past.at(-1)?.kind === 'refused' && wait.count < MAX_CAPACITY_WAITS) {
        wait.until = e.t + policy.capacityWaitSeconds(wait.count++);
        events.push(wait.until, { job });
      }
      continue;
    }
    const ni = index.get(offer.provider)!;
    const k = past.filter((x) => x.provider === offer.provider).length;
    into.attempts++;
    const every = checkpointEvery(job);
    const restore = progress[job.index]! > 0 && every ? RESTORE_SECONDS : 0;
    const remaining = job.runSeconds - progress[job.index]!;
    const need = restore + remaining;
    const firstDeadline = policy.startDeadlineSeconds?.(offer.provider) ?? START_DEADLINE_SECONDS;
    const first = { offer, n: world.networks[ni]!, at: e.t, attemptId, startDeadline: firstDeadline, d: drawAttempt(world.networks[ni]!, ni, seed, job, k, e.t, need, firstDeadline) };
    past.push({ provider: offer.provider, offerId: offer.offerId, kind: first.d.kind, at: e.t });
    const nextAttemptId = () => `j${job.index}-a${past.length + 1}`;
    const race = { world, seed, policy, job, index, past, tried, doneSeconds: progress[job.index]!, waitedUntil: wait.until, need, nextAttemptId };
    // The launch the job goes on with: the first, or a hedge that ran before it (./market-hedge.ts).
    const launched = raceHedge(race, first, into);
    // Or the late-start move: the first given up, the job placed again at once (./market-move.ts).
    const moveAt = launched === first ? moveTime(first, policy.moveLateAt?.(job, progress[job.index]!), past) : undefined;
    if (moveAt !== undefined) {
      applyMove(first, past[past.length - 1]!, moveAt, into);
      events.push(moveAt, { job });
      continue;
    }
    const { offer: chosen, n, d, at, startDeadline } = launched;
    const rate = (chosen.pricePerGpuHourUsd * chosen.gpuCount) / 3600;
    const base = { attemptId: launched.attemptId, provider: chosen.provider, gpuModel: chosen.gpuModel };
    if (d.kind === 'refused' || d.kind === 'start-missed') {
      const wait = d.kind === 'refused' ? REFUSAL_SECONDS : startDeadline;
      into.spendUsd += rate * billed(d, n.billing, 0, startDeadline);
      events.push(at + wait, { job, pending: { ...base, kind: d.kind, at: at + wait } });
      continue;
    }
    const started = at + d.startSeconds;
    if (Number.isNaN(firstStart[job.index]!)) firstStart[job.index] = started - job.submitAt;
    const ran = d.kind === 'lost' ? d.ranSeconds : need;
    into.spendUsd += rate * billed(d, n.billing, ran);
    const end = started + ran;
    if (d.kind === 'delivered') {
      into.usefulUsd += rate * remaining;
      progress[job.index] = job.runSeconds;
      into.completed++;
      into.gpuHoursDone += (chosen.gpuCount * job.runSeconds) / 3600;
      if (feasible[job.index] && end <= deadlineOf(job)!) into.deadlineMet++;
    } else if (every) {
      const gained = Math.min(remaining - 1, Math.floor(Math.max(0, ran - restore) / every) * every);
      progress[job.index]! += gained;
      into.usefulUsd += rate * gained;
    }
    events.push(end, { job, pending: { ...base, kind: d.kind, startSeconds: d.startSeconds, runSeconds: ran, at: end }, done: d.kind === 'delivered' });
  }
  for (const s of firstStart) if (!Number.isNaN(s)) into.starts.push(s);
};

/** The cheapest fitting offer of one network for a job. */
export const cheapestOf = (world: World, seed: number, job: SimJob, ni: number, fits: (o: Offer) => boolean): Offer | undefined =>
  worldOffers(seed, job, world.networks[ni]!, ni)
    .filter(fits)
    .sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd)[0];

/** The oracle sees every draw: at submit it takes the cheapest machine that will finish. Returns each job's finish time. */
export const runOracle = (world: World, seed: number, jobs: SimJob[], maxTries: number, fits: (o: Offer, j: SimJob) => boolean, into: Tally): number[] => {
  const finish = jobs.map(() => Infinity);
  into.jobs += jobs.length;
  for (const job of jobs) {
    let best: { cost: number; start: number; gpus: number } | undefined;
    world.networks.forEach((n, ni) => {
      const offer = cheapestOf(world, seed, job, ni, (o) => fits(o, job));
      if (!offer) return;
      for (let k = 0; k < maxTries; k++) {
        const d = drawAttempt(n, ni, seed, job, k, job.submitAt, job.runSeconds);
        if (d.kind !== 'delivered') continue;
        const cost = (offer.pricePerGpuHourUsd * offer.gpuCount * billed(d, n.billing, job.runSeconds)) / 3600;
        if (!best || cost < best.cost) best = { cost, start: d.startSeconds, gpus: offer.gpuCount };
        break;
      }
    });
    if (!best) continue;
    into.completed++;
    into.spendUsd += best.cost;
    into.usefulUsd += best.cost;
    into.gpuHoursDone += (best.gpus * job.runSeconds) / 3600;
    into.starts.push(best.start);
    finish[job.index] = job.submitAt + best.start + job.runSeconds;
  }
  return finish;
};
