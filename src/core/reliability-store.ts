// The ProviderStatsStore port (DynamoDB in deployments, memory in the benchmark and the
// property tests) and the in-memory implementation. Both count each attempt at most
// once, keyed by its attempt id, so a retried reconcile run never skews the numbers.
import {
  DEFAULT_RELIABILITY_CONFIG,
  applyOutcome,
  withBreakerCleared,
  breakerState,
  probeAvailable,
  withProbe,
  type AttemptOutcome,
  type ProviderStatsRecord,
  type ReliabilityConfig,
} from './reliability.js';

export interface ProviderStatsStore {
  readonly config: ReliabilityConfig;
  /** Records for the named providers; a provider with no history is simply missing. */
  getMany(providers: string[]): Promise<Map<string, ProviderStatsRecord>>;
  /** Count one attempt's outcome. Returns false when this attempt was already counted. */
  record(outcome: AttemptOutcome): Promise<boolean>;
  /**
   * Ask to send `attemptId` through the provider's breaker. True when the breaker is
   * closed, or it is half-open and this attempt now holds the single probe.
   */
  claimProbe(provider: string, attemptId: string, now: Date): Promise<boolean>;
  /** A machine of the provider started running: close its breaker (./reliability.ts withBreakerCleared). */
  clearBreaker(provider: string, at: string): Promise<void>;
}

export class InMemoryProviderStats implements ProviderStatsStore {
  private readonly records = new Map<string, ProviderStatsRecord>();
  private readonly counted = new Set<string>();

  constructor(readonly config: ReliabilityConfig = DEFAULT_RELIABILITY_CONFIG) {}

  async getMany(providers: string[]): Promise<Map<string, ProviderStatsRecord>> {
    return this.snapshot(providers);
  }

  /** Synchronous read, for the benchmark's event loop. */
  snapshot(providers: string[]): Map<string, ProviderStatsRecord> {
    const out = new Map<string, ProviderStatsRecord>();
    for (const p of providers) {
      const r = this.records.get(p);
      if (r) out.set(p, structuredClone(r));
    }
    return out;
  }

  async record(outcome: AttemptOutcome): Promise<boolean> {
    return this.recordSync(outcome);
  }

  recordSync(outcome: AttemptOutcome): boolean {
    if (this.counted.has(outcome.attemptId)) return false;
    this.counted.add(outcome.attemptId);
    this.records.set(outcome.provider, applyOutcome(this.records.get(outcome.provider), outcome, this.config));
    return true;
  }

  async claimProbe(provider: string, attemptId: string, now: Date): Promise<boolean> {
    return this.claimProbeSync(provider, attemptId, now);
  }

  async clearBreaker(provider: string, at: string): Promise<void> {
    this.clearBreakerSync(provider, at);
  }

  clearBreakerSync(provider: string, at: string): void {
    const next = withBreakerCleared(this.records.get(provider), at);
    if (next) this.records.set(provider, next);
  }

  claimProbeSync(provider: string, attemptId: string, now: Date): boolean {
    const r = this.records.get(provider);
    const state = breakerState(r, now);
    if (state !== 'half-open' || !r) return state === 'closed';
    if (!probeAvailable(r, attemptId, now)) return false;
    this.records.set(provider, withProbe(r, attemptId, now, this.config));
    return true;
  }
}
