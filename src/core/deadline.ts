// Deadlines: Uniform Progress across networks ("Can't Be Late", NSDI'24). A job with a
// deadline uses cheap capacity while it is on track, and only reliable capacity (a cloud,
// or a host that rarely loses machines) once its slack is smaller than what a restart on
// a cheap offer could cost. Pure: placement, the dispatcher and the reconciler call it.
import type { Job, JobSpec } from './job.js';
import type { Offer, ProviderKind } from './provider.js';

/** RunPod drops hosts under 98 % over 30 days: the same bar makes a host "reliable". */
export const RELIABLE_HOST_SCORE = 0.98;
/** An offer is reliable when P(losing the machine before the job ends) is at most this. */
export const RELIABLE_LOSS_CHANCE = 0.01;
/** ASSUMPTION: a start on a reliable offer, when nothing better is known, takes this long. */
export const RELIABLE_START_SECONDS = 300;

/** The job's deadline in epoch ms: `deadline`, or submission + `maxWallClockSeconds`; undefined without one. */
export const deadlineMs = (spec: JobSpec, createdAt: string): number | undefined => {
  if (spec.deadline !== undefined) return Date.parse(spec.deadline);
  if (spec.maxWallClockSeconds !== undefined) return Date.parse(createdAt) + spec.maxWallClockSeconds * 1000;
  return undefined;
};

export const hasDeadline = (spec: JobSpec): boolean => spec.deadline !== undefined || spec.maxWallClockSeconds !== undefined;

/** Where a deadline job stands: the work it needs (maxDurationSeconds, the only length a job declares) against the time it has. */
export interface Schedule {
  submittedMs: number;
  deadlineMs: number;
  nowMs: number;
  workSeconds: number;
  /** Work done that a restart keeps: the running attempt's time, plus checkpointed time of ended attempts. */
  doneSeconds: number;
  /** The job's checkpoint interval, when it has one: a loss then costs at most one interval. */
  checkpointEverySeconds?: number;
}

/**
 * Work a restart keeps. The running attempt counts in full (it is still going); an ended
 * attempt counts only the whole checkpoint intervals it ran (none without a checkpoint).
 */
export const doneSeconds = (job: Job, nowMs: number): number => {
  const every = job.spec.checkpoint?.everySeconds;
  let done = 0;
  for (const a of job.attempts) {
    if (!a.startedAt) continue;
    const ran = Math.max(0, ((a.endedAt ? Date.parse(a.endedAt) : nowMs) - Date.parse(a.startedAt)) / 1000);
    if (a.status === 'running') done += ran;
    else if (every && a.endedAt) done += Math.floor(ran / every) * every;
  }
  return Math.min(job.spec.maxDurationSeconds, done);
};

export const scheduleOf = (job: Job, nowMs: number): Schedule | undefined => {
  const end = deadlineMs(job.spec, job.createdAt);
  if (end === undefined) return undefined;
  const every = job.spec.checkpoint?.everySeconds;
  return {
    submittedMs: Date.parse(job.createdAt),
    deadlineMs: end,
    nowMs,
    workSeconds: job.spec.maxDurationSeconds,
    doneSeconds: doneSeconds(job, nowMs),
    ...(every ? { checkpointEverySeconds: every } : {}),
  };
};

const workLeft = (s: Schedule): number => Math.max(0, s.workSeconds - s.doneSeconds);
const timeLeft = (s: Schedule): number => (s.deadlineMs - s.nowMs) / 1000;

/** Seconds a loss on a cheap offer costs the schedule: the lost work (one interval, or the whole run) plus a start elsewhere. */
export const restartSeconds = (s: Schedule, restoreSeconds: number, reliableStartSeconds = RELIABLE_START_SECONDS): number => {
  const lost = s.checkpointEverySeconds ? Math.min(s.checkpointEverySeconds, workLeft(s)) + restoreSeconds : workLeft(s);
  return lost + reliableStartSeconds;
};

/** Whether an offer starting in `startSeconds` finishes in time if nothing goes wrong. */
export const finishesInTime = (s: Schedule, startSeconds: number): boolean => startSeconds + workLeft(s) <= timeLeft(s);

/**
 * Uniform Progress per offer: a cheap offer is used only if, after its start and the work
 * left, there is still room for one restart on a reliable offer. Otherwise only reliable
 * offers keep the job on schedule.
 */
export const cheapOfferKeepsSchedule = (s: Schedule, startSeconds: number, restoreSeconds: number): boolean =>
  startSeconds + workLeft(s) + restartSeconds(s, restoreSeconds) <= timeLeft(s);

/**
 * The chance that a cheap offer loses its machine too late for a restart elsewhere to
 * finish in time: 0 when even a loss at the very end leaves room (cheapOfferKeepsSchedule).
 * Without checkpoints a loss after running x seconds costs those x seconds, so losses early
 * in the run are recoverable and only the tail past `timeLeft − start − restart − workLeft`
 * is not; with checkpoints every loss costs the same, so any loss counts.
 */
export const lateLossChance = (s: Schedule, startSeconds: number, lossPerHour: number, restoreSeconds: number): number => {
  if (cheapOfferKeepsSchedule(s, startSeconds, restoreSeconds)) return 0;
  const work = workLeft(s);
  const recoverableRun = s.checkpointEverySeconds ? 0 : Math.max(0, timeLeft(s) - startSeconds - RELIABLE_START_SECONDS - work);
  return -Math.expm1(-(lossPerHour * Math.max(0, work - recoverableRun)) / 3600);
};

/** Uniform Progress with odds: a cheap offer stays in play while a fatal loss there is unlikely (≤ RELIABLE_LOSS_CHANCE). */
export const cheapOfferLikelyKeepsSchedule = (s: Schedule, startSeconds: number, lossPerHour: number, restoreSeconds: number): boolean =>
  finishesInTime(s, startSeconds) && lateLossChance(s, startSeconds, lossPerHour, restoreSeconds) <= RELIABLE_LOSS_CHANCE;

/** A cloud, a host the network scores ≥ 98 %, or an offer whose learned loss rate makes a loss before the end unlikely. */
export const isReliableOffer = (offer: Pick<Offer, 'hostReliability'>, kind: ProviderKind, lossPerHour: number, s: Schedule): boolean =>
  kind === 'cloud' ||
  (offer.hostReliability !== undefined && offer.hostReliability >= RELIABLE_HOST_SCORE) ||
  -Math.expm1(-(lossPerHour * workLeft(s)) / 3600) <= RELIABLE_LOSS_CHANCE;

const pct = (x: number): number => Math.round(Math.max(0, Math.min(1, x)) * 100);

/** Why the job left cheap capacity, for its events: "behind schedule: 41% done at 55% of the deadline". */
export const scheduleText = (s: Schedule): string => {
  const done = s.workSeconds > 0 ? s.doneSeconds / s.workSeconds : 1;
  const elapsed = (s.nowMs - s.submittedMs) / Math.max(1, s.deadlineMs - s.submittedMs);
  const label = done < elapsed ? 'behind schedule' : 'too little slack for a restart';
  return `${label}: ${pct(done)}% done at ${pct(elapsed)}% of the deadline`;
};
