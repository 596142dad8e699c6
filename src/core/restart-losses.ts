// Whose fault is an attempt the provider no longer knows? After our own crash the machine
// may be gone for reasons of ours (a local fake restarted with us, a launch cut short), so
// such a loss ends the attempt and fails the job over, but counts against the provider only
// when (1) the provider answered a status read for another attempt in the same reconcile
// pass (it is reachable and keeps its other resources) and (2) we are past the warm-up
// window after this process started, or the attempt was launched after the start. The
// verdict is given once the pass is over, so the order jobs are examined in does not matter.
import type { Attempt } from './job.js';
import type { DispatchDeps } from './dispatch.js';
import { recordOutcome } from './attempt-records.js';

export interface RestartAwareness {
  /** When this process (the reconciler's host) started; the first pass's time when unset. */
  startedAt?: string;
  /** After a start, losses of attempts launched before it are not counted for this long. */
  restartWarmupSeconds?: number;
}

export const DEFAULT_RESTART_WARMUP_SECONDS = 600;

// Keyed by the config object: one reconciler (one process, one Lambda container) per object.
const firstPassAt = new WeakMap<object, number>();

export const processStartedAt = (config: RestartAwareness, now: Date): number => {
  if (config.startedAt !== undefined) return Date.parse(config.startedAt);
  const seen = firstPassAt.get(config);
  if (seen !== undefined) return seen;
  firstPassAt.set(config, now.getTime());
  return now.getTime();
};

/** Per-pass evidence of which providers answer, and the unknown attempts awaiting a verdict. */
export class PassLosses {
  private readonly answered = new Set<string>();
  private readonly unknown: { attempt: Attempt; at: string }[] = [];

  constructor(
    private readonly startedAtMs: number,
    private readonly warmupSeconds: number,
  ) {}

  /** The provider answered a status read for one of our attempts. */
  sawAnswer(provider: string): void {
    this.answered.add(provider);
  }

  /** The provider said it does not know this attempt (it has been failed over already). */
  sawUnknown(attempt: Attempt, at: string): void {
    this.unknown.push({ attempt, at });
  }

  /** Whether a loss counts against its provider (pure; used by flush and tests). */
  counts(attempt: Attempt, now: Date): boolean {
    if (attempt.providerRef === undefined) return false; // never got a handle: our launch was cut short
    if (!this.answered.has(attempt.provider)) return false; // no sign the provider itself is up and keeping things
    const launchedBeforeStart = Date.parse(attempt.createdAt) < this.startedAtMs;
    const warmingUp = now.getTime() - this.startedAtMs < this.warmupSeconds * 1000;
    return !(launchedBeforeStart && warmingUp);
  }

  /** Record the losses that are the provider's fault; the rest are dropped (logged). */
  async flush(deps: Pick<DispatchDeps, 'stats' | 'log'>, now: Date): Promise<{ counted: number; excused: number }> {
    let counted = 0;
    for (const { attempt, at } of this.unknown) {
      if (this.counts(attempt, now)) {
        counted++;
        await recordOutcome(deps, attempt, 'lost', at);
      } else deps.log?.('unknown attempt not counted against its provider', { attemptId: attempt.id, provider: attempt.provider });
    }
    return { counted, excused: this.unknown.length - counted };
  }
}
