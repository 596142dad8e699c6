// `npm run bench:market [-- --json] [--jobs N] [--seed S] [--seeds N] [--days D] [--world NAME] [--release-jobs N]`: a seeded
// market simulation in several worlds (bench/market-worlds.ts), each over several seeds,
// comparing on the same jobs and the same luck: Switchyard's placement (the real src/core
// ranking, reliability stats and breaker), cheapest-first failover (SkyPilot-like), one
// decentralized network with no fallback, AWS on-demand only, an informed baseline (the
// same cost formula with the world's true rates, not outcomes) and an oracle that knows
// every outcome. Money is what each network bills (billed waiting included). Figures are
// printed, never asserted; docs/placement.md says how to read them. Then billedAfterEndSeconds
// per network, from a job sample run through the real dispatcher and reconciler (./market-release.ts).
import { DEFAULT_DISPATCH_CONFIG } from '../src/core/dispatch.js';
import { offerFits } from '../src/core/placement.js';
import { printReleaseSummary, releaseSummary, runReleaseBench } from './market-release.js';
import { cheapestFirst, informed, only, switchyard } from './market-policies.js';
import { deadlineOf, newTally, runOracle, runPolicy, type Policy, type Tally } from './market-sim.js';
import { DEADLINE_SHARE, WORLDS, type World } from './market-worlds.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const JSON_OUT = process.argv.includes('--json');
const FIRST_SEED = arg('seed', 7);
const SEEDS = arg('seeds', 5);
const JOBS = arg('jobs', 3000);
const DAYS = arg('days', 14);
const RELEASE_JOBS = arg('release-jobs', 300);
const ONLY_WORLD = (() => {
  const i = process.argv.indexOf('--world');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const SEED_LIST = Array.from({ length: SEEDS }, (_, i) => FIRST_SEED + 1009 * i);
const POLICY_NAMES = ['switchyard', 'switchyard+hedge', 'cheapest-first', 'single-network', 'cloud-only', 'informed', 'oracle'] as const;

const policiesFor = (world: World, seed: number): Policy[] => [
  switchyard(world, seed),
  switchyard(world, seed, { hedge: true }),
  cheapestFirst(world, seed),
  only('single-network', 'vastai', world, seed),
  only('cloud-only', 'aws-batch', world, seed),
  informed(world, seed),
];

const pct = (sorted: number[], p: number): number => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

const runWorld = (world: World): Record<string, Tally> => {
  const tallies = Object.fromEntries(POLICY_NAMES.map((n) => [n, newTally()])) as Record<string, Tally>;
  for (const seed of SEED_LIST) {
    const jobs = world.jobs(seed, JOBS, DAYS);
    const oracle = tallies.oracle!;
    const finish = runOracle(world, seed, jobs, DEFAULT_DISPATCH_CONFIG.maxAttempts, (o, j) => offerFits(o, j.spec), oracle);
    const feasible = jobs.map(() => false);
    // Only jobs that declare a deadline are counted, and only when the oracle could meet it.
    for (const j of jobs) feasible[j.index] = deadlineOf(j) !== undefined && finish[j.index]! <= deadlineOf(j)!;
    const ok = feasible.filter(Boolean).length;
    oracle.deadlineFeasible += ok;
    oracle.deadlineMet += ok;
    for (const policy of policiesFor(world, seed)) runPolicy(world, seed, policy, jobs, feasible, tallies[policy.name]!);
  }
  return tallies;
};

const summarize = (t: Tally) => {
  const starts = [...t.starts].sort((a, b) => a - b);
  return {
    completionRate: round(t.completed / t.jobs, 5),
    costPerGpuHourUsd: round(t.spendUsd / t.gpuHoursDone, 4),
    billedWasteShare: round(t.spendUsd > 0 ? (t.spendUsd - t.usefulUsd) / t.spendUsd : 0, 4),
    billedWasteUsd: round(t.spendUsd - t.usefulUsd, 0),
    p50StartSeconds: round(pct(starts, 0.5), 1),
    p95StartSeconds: round(pct(starts, 0.95), 1),
    deadlineMetRate: round(t.deadlineFeasible > 0 ? t.deadlineMet / t.deadlineFeasible : 1, 5),
    attemptsPerJob: round(t.attempts / t.jobs, 3),
    // Late starts of deadline jobs moved to a reliable offer (./market-move.ts).
    ...(t.moves > 0 ? { lateStartMoves: t.moves } : {}),
    // Hedged starts (switchyard+hedge only): how many, the share that ran first, and the losers' billed cost, Switchyard's own.
    ...(t.hedges > 0 ? { hedges: t.hedges, hedgeWinShare: round(t.hedgeWins / t.hedges, 3), hedgeLossShare: round(t.hedgeLossUsd / t.spendUsd, 4) } : {}),
  };
};
type Summary = ReturnType<typeof summarize>;

/** The "Done when" checks for Switchyard in one world. */
const doneWhen = (p: Record<string, Summary>) => {
  const sy = p.switchyard!;
  // switchyard+hedge is Switchyard with an opt-in, not a baseline to beat.
  const others = POLICY_NAMES.filter((n) => !n.startsWith('switchyard') && n !== 'oracle' && n !== 'informed');
  return {
    completion: sy.completionRate >= 0.999,
    costVsInformed: round(sy.costPerGpuHourUsd / p.informed!.costPerGpuHourUsd, 4),
    costVsOracle: round(sy.costPerGpuHourUsd / p.oracle!.costPerGpuHourUsd, 4),
    // What knowing the true rates (not outcomes) gets against the oracle: the floor no estimator can beat by much.
    informedVsOracle: round(p.informed!.costPerGpuHourUsd / p.oracle!.costPerGpuHourUsd, 4),
    cheapestNonOracle: others.every((n) => sy.costPerGpuHourUsd <= p[n]!.costPerGpuHourUsd || p[n]!.completionRate < sy.completionRate - 0.001),
    p95StartVsCheapestFirst: round(sy.p95StartSeconds - p['cheapest-first']!.p95StartSeconds, 1),
    deadlineMet: sy.deadlineMetRate >= 0.999,
  };
};

const started = Date.now();
const worlds: Record<string, { about: string; policies: Record<string, Summary>; doneWhen: ReturnType<typeof doneWhen> }> = {};
for (const world of WORLDS.filter((w) => !ONLY_WORLD || w.name === ONLY_WORLD)) {
  const policies = Object.fromEntries(Object.entries(runWorld(world)).map(([n, t]) => [n, summarize(t)]));
  worlds[world.name] = { about: world.about, policies, doneWhen: doneWhen(policies) };
}
const simSeconds = (Date.now() - started) / 1000;

// Nothing bills after its job: the real dispatcher and reconciler on metered networks (./market-release.ts).
const billedAfterEndSeconds = releaseSummary(await runReleaseBench(FIRST_SEED, RELEASE_JOBS));

if (JSON_OUT) {
  const policies = (worlds.current ?? Object.values(worlds)[0])?.policies;
  console.log(JSON.stringify({ policies, worlds, seeds: SEED_LIST, jobsPerSeed: JOBS, days: DAYS, simSeconds: round(simSeconds, 1), billedAfterEndSeconds }));
} else {
  console.log(`bench:market — ${Object.keys(worlds).length} worlds × ${SEED_LIST.length} seeds (${SEED_LIST.join(', ')}) × ${JOBS} jobs over ${DAYS} days; simulated in ${simSeconds.toFixed(0)} s`);
  console.log('cost: $ per completed GPU-hour, as billed (waiting where billing starts at launch, units, lost runs); waste: share of spend that became no finished work');
  for (const [name, w] of Object.entries(worlds)) {
    console.log(`\n${name} — ${w.about}; ${Math.round(DEADLINE_SHARE * 100)}% of jobs declare a deadline`);
    console.log('  policy           completion   $/GPU-h   waste  p50 start  p95 start  deadline met  attempts/job');
    for (const [p, s] of Object.entries(w.policies)) {
      console.log(
        `  ${p.padEnd(15)} ${(s.completionRate * 100).toFixed(2).padStart(9)}%  ${s.costPerGpuHourUsd.toFixed(3).padStart(8)}  ${(s.billedWasteShare * 100).toFixed(1).padStart(5)}%  ${s.p50StartSeconds.toFixed(0).padStart(8)}s  ${s.p95StartSeconds.toFixed(0).padStart(8)}s  ${(s.deadlineMetRate * 100).toFixed(2).padStart(11)}%  ${s.attemptsPerJob.toFixed(2).padStart(12)}`,
      );
    }
    const moved = w.policies.switchyard?.lateStartMoves;
    if (moved) console.log(`  switchyard: ${moved} late starts of deadline jobs moved to a reliable offer`);
    const h = w.policies['switchyard+hedge'];
    if (h?.hedges) {
      console.log(`  switchyard+hedge: deadline jobs hedge late starts: ${h.hedges} hedges, ${(h.hedgeWinShare! * 100).toFixed(0)}% ran first, losers billed ${(h.hedgeLossShare! * 100).toFixed(2)}% of spend (Switchyard's cost)`);
    }
    const d = w.doneWhen;
    console.log(
      `  done-when: completion ≥ 99.9% ${d.completion ? 'yes' : 'NO'}; ÷ informed ${d.costVsInformed.toFixed(3)} (≤ 1.05 ${d.costVsInformed <= 1.05 ? 'yes' : 'NO'}); ÷ oracle ${d.costVsOracle.toFixed(3)} (≤ 1.10 ${d.costVsOracle <= 1.1 ? 'yes' : 'NO'}; informed ${d.informedVsOracle.toFixed(3)}); cheapest non-oracle ${d.cheapestNonOracle ? 'yes' : 'NO'}; p95 start − cheapest-first ${d.p95StartVsCheapestFirst.toFixed(0)} s (${d.p95StartVsCheapestFirst <= 0 ? 'yes' : 'NO'}); deadline met ≥ 99.9% ${d.deadlineMet ? 'yes' : 'NO'}`,
    );
  }
  printReleaseSummary(billedAfterEndSeconds, RELEASE_JOBS);
}
