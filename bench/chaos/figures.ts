// The figures of a chaos run, from what it observed: the jobs as the API shows them at the end,
// the marker file the local commands appended to (how often each really ran), usage, the trial
// balance, the wire counters and the system's own chaos reports.
import type { ChaosReport } from '../../src/local/chaos-report.js';
import type { WireCounters } from './client.js';
import type { PlannedJob } from './workload.js';

export interface JobView {
  id: string;
  status: string;
  createdAt: string;
  costMicroUsd?: number;
  spec?: { placement?: { fallback?: string; networks?: string[] } };
  attempts: Array<{ id: string; provider: string; status: string; createdAt: string; endedAt?: string; exitCode?: number; reason?: string }>;
}

export interface CrashSnapshot {
  killedAt: number;
  readyAt: number;
  running: Array<{ id: string; attemptId: string; fallback: string }>;
}

export interface FigureInputs {
  planned: PlannedJob[];
  idOfKey: Map<string, string>;
  views: Map<string, JobView | undefined>;
  lostAnswers: Array<{ id: string; status: number; body: string; submits: string[] }>;
  idempotencyConflicts: number;
  markerLines: string[];
  crashes: CrashSnapshot[];
  usage: { items: Array<{ jobId: string; costMicroUsd: number }>; totalMicroUsd: number };
  trial: { totalMicroUsd: number; violations: string[] };
  wire: WireCounters;
  hostileCounts: Record<string, number>;
  faults: Record<string, number>;
  report?: ChaosReport;
  submitSeconds: number;
  totalSeconds: number;
  terminal: ReadonlySet<string>;
  work: string;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
};

export const computeFigures = (input: FigureInputs) => {
  const kindOf = new Map(input.planned.map((p) => [input.idOfKey.get(p.key), p.kind]));
  const views = [...input.views.entries()];
  const found = views.filter(([, v]) => v !== undefined).map(([, v]) => v!);
  const lost = views.filter(([, v]) => v === undefined).map(([id]) => id);
  const stuck = found.filter((j) => !input.terminal.has(j.status));
  const byStatus: Record<string, number> = {};
  for (const j of found) byStatus[j.status] = (byStatus[j.status] ?? 0) + 1;

  // Run twice: local from the marker file (the command's own side effect); market from attempts
  // that both reached a clean exit (the fakes run nothing and forget everything at a crash).
  const runs = new Map<string, number>();
  for (const id of input.markerLines) runs.set(id, (runs.get(id) ?? 0) + 1);
  const localRunTwice = [...runs.entries()].filter(([, n]) => n > 1).map(([id, n]) => ({ id, runs: n }));
  const marketRunTwice = found.filter((j) => kindOf.get(j.id) !== 'local' && j.attempts.filter((a) => a.status === 'succeeded').length > 1).map((j) => j.id);
  const localSucceededNeverRan = found.filter((j) => kindOf.get(j.id) === 'local' && j.status === 'succeeded' && !runs.has(j.id)).map((j) => j.id);

  const charges = new Map<string, number>();
  for (const item of input.usage.items) charges.set(item.jobId, (charges.get(item.jobId) ?? 0) + 1);
  const chargedTwice = [...charges.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  const jobCosts = found.reduce((sum, j) => sum + (j.costMicroUsd ?? 0), 0);
  const terminalWithoutCost = found.filter((j) => input.terminal.has(j.status) && j.costMicroUsd === undefined).map((j) => j.id);

  // Recovery: how long after the restart each attempt live at the crash ended.
  const recovery: number[] = [];
  const lostRecovery: number[] = [];
  let crashLostWithFallback = 0;
  let crashLostWithFallbackFinishedElsewhere = 0;
  const crashLost = new Set<string>();
  // An attempt live through several kills counts once, after the last kill before it ended.
  const lastCrash = new Map<string, { live: CrashSnapshot['running'][number]; crash: CrashSnapshot }>();
  for (const crash of input.crashes) {
    for (const live of crash.running) {
      const attempt = input.views.get(live.id)?.attempts.find((a) => a.id === live.attemptId);
      if (attempt?.endedAt && Date.parse(attempt.endedAt) >= crash.killedAt) lastCrash.set(live.attemptId, { live, crash });
    }
  }
  for (const { live, crash } of lastCrash.values()) {
    const job = input.views.get(live.id)!;
    const attempt = job.attempts.find((a) => a.id === live.attemptId)!;
    crashLost.add(job.id);
    recovery.push((Date.parse(attempt.endedAt!) - crash.readyAt) / 1000);
    // The crash's own losses (machines gone with the fakes or the local runs): how soon the restarted system failed them over.
    if (attempt.status !== 'succeeded') lostRecovery.push((Date.parse(attempt.endedAt!) - crash.readyAt) / 1000);
    if (attempt.status !== 'succeeded' && live.fallback !== 'none') {
      crashLostWithFallback += 1;
      const last = job.attempts.at(-1)!;
      if (job.status === 'succeeded' && last.id !== attempt.id) crashLostWithFallbackFinishedElsewhere += 1;
    }
  }
  // Market jobs no crash touched: created after the last kill before them ended… simply, alive at no kill.
  const touched = (j: JobView) => {
    const start = Date.parse(j.createdAt);
    const end = Math.max(start, ...j.attempts.map((a) => (a.endedAt ? Date.parse(a.endedAt) : Date.now())));
    return input.crashes.some((c) => c.killedAt >= start && c.killedAt <= end);
  };
  const calmMarket = found.filter((j) => kindOf.get(j.id) !== 'local' && !touched(j));
  // Time from submit to the first launch: a lost enqueue or a dispatcher held up by a slow launch shows here.
  const firstLaunch = found.filter((j) => j.attempts.length > 0).map((j) => (Date.parse(j.attempts[0]!.createdAt) - Date.parse(j.createdAt)) / 1000);
  const billed = Object.values(input.report?.billedAfterEnd ?? {});

  return {
    jobs: { planned: input.planned.length, accepted: input.idOfKey.size > 0 ? new Set(input.idOfKey.values()).size : 0, byStatus },
    lost: lost.length,
    lostIds: lost.slice(0, 10),
    lostAnswers: input.lostAnswers.slice(0, 10),
    stuck: stuck.length,
    stuckIds: stuck.slice(0, 10).map((j) => `${j.id} ${j.status}`),
    idempotencyConflicts: input.idempotencyConflicts,
    runTwice: { local: localRunTwice.length, market: marketRunTwice.length, localIds: localRunTwice.slice(0, 10), marketIds: marketRunTwice.slice(0, 10) },
    localSucceededWithoutRunning: localSucceededNeverRan.length,
    chargedTwice: chargedTwice.length,
    chargedForAnothersMachine: input.report ? input.report.notTheirs.length : null,
    chargedForAnothersMachineSamples: input.report?.notTheirs.slice(0, 5) ?? [],
    billedAfterEnd: {
      stillHeld: billed.reduce((s, b) => s + b.stillHeld, 0),
      seconds: Math.round(billed.reduce((s, b) => s + b.billedAfterEndSeconds, 0) * 10) / 10,
      byProvider: input.report?.billedAfterEnd ?? null,
    },
    trialBalanceMicroUsd: input.trial.totalMicroUsd,
    ledgerViolations: input.trial.violations,
    usageMicroUsd: input.usage.totalMicroUsd,
    jobCostsMicroUsd: jobCosts,
    terminalWithoutCost: terminalWithoutCost.length,
    http: { requests: input.wire.requests, status5xx: input.wire.status5xx, resets: input.wire.resets, cutByKill: input.wire.cutByKill, status429: input.wire.status429, fiveXxSamples: input.wire.fiveXxSamples },
    hostile: input.hostileCounts,
    kills: input.crashes.length,
    recoverySeconds: { attempts: recovery.length, p50: pct(recovery, 0.5), max: recovery.length ? Math.round(Math.max(...recovery) * 10) / 10 : null },
    /** Only attempts live at a kill that did not succeed: the time the restarted system took to end them and fail over. */
    lostAtCrashEndedSeconds: { attempts: lostRecovery.length, p50: pct(lostRecovery, 0.5), max: lostRecovery.length ? Math.round(Math.max(...lostRecovery) * 10) / 10 : null },
    firstLaunchSeconds: { jobs: firstLaunch.length, p50: pct(firstLaunch, 0.5), p95: pct(firstLaunch, 0.95), max: firstLaunch.length ? Math.round(Math.max(...firstLaunch) * 10) / 10 : null },
    crashLostWithFallback: { lost: crashLostWithFallback, finishedElsewhere: crashLostWithFallbackFinishedElsewhere },
    marketWithoutCrash: { jobs: calmMarket.length, succeeded: calmMarket.filter((j) => j.status === 'succeeded').length, successRate: calmMarket.length ? Math.round((calmMarket.filter((j) => j.status === 'succeeded').length / calmMarket.length) * 1000) / 1000 : null },
    faultsInjected: input.faults,
    seconds: { submit: Math.round(input.submitSeconds), total: Math.round(input.totalSeconds) },
    workDir: input.work,
  };
};

export type ChaosFigures = ReturnType<typeof computeFigures>;
