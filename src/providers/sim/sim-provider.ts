// `sim-*` providers: simulated networks for tests, benchmarks and local demos. Each has
// a GPU catalog, a start delay, a run time and failure rates. Outcomes are drawn from a
// seeded RNG keyed by the attempt id, so a scenario replays the same way every time.
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import {
  answerEach,
  ProviderError,
  type AttemptRef,
  type CatalogEntry,
  type LaunchRequest,
  type LaunchResult,
  type Offer,
  type OfferQuery,
  type Provider,
  type ProviderInfo,
  type ProviderKind,
  type ProviderStatus,
  type StatusAnswer,
} from '../../core/provider.js';

export interface SimProviderConfig {
  name: string;
  kind?: ProviderKind;
  catalog: CatalogEntry[];
  /** GPUs per machine the simulated market can hand out. */
  maxGpuCount?: number;
  startDelayMs: number;
  runTimeMs: number;
  /** Chance a launch is refused for lack of capacity. */
  refuseRate?: number;
  /** Chance the machine is lost mid-run (the network's fault). */
  failureRate: number;
  seed: number;
}

interface SimRun {
  launchedAt: number;
  lost: boolean;
  cancelled: boolean;
}

/** A small, fast, seedable PRNG (mulberry32). */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const hash = (text: string): number => {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
};

export class SimProvider implements Provider {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly billing = { startsAt: 'running', unitSeconds: 1 } as const; // a simulation: placement's tests price running time only
  private readonly runs = new Map<string, SimRun>();

  constructor(
    private readonly config: SimProviderConfig,
    private readonly clock: Clock = systemClock,
  ) {
    this.name = config.name;
    this.kind = config.kind ?? 'decentralized';
  }

  info(): ProviderInfo {
    return { name: this.name, kind: this.kind, enabled: true, catalog: this.config.catalog, health: 'healthy' };
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    if (query.gpu.count > (this.config.maxGpuCount ?? 8)) return [];
    return this.config.catalog.map((entry) => ({
      provider: this.name,
      offerId: `${this.name}-${entry.gpuModel}`,
      gpuModel: entry.gpuModel,
      gpuCount: query.gpu.count,
      vramGb: entry.vramGb,
      pricePerGpuHourUsd: entry.pricePerGpuHourUsd,
      ...(entry.regions?.[0] ? { region: entry.regions[0] } : {}),
      expectedStartSeconds: this.config.startDelayMs / 1000,
    }));
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    if (this.runs.has(request.attemptId)) return { providerRef: `${this.name}:${request.attemptId}` };
    const rng = mulberry32(hash(`${this.config.seed}:${request.attemptId}`));
    if (rng() < (this.config.refuseRate ?? 0)) throw new ProviderError('capacity', `${this.name} has no free ${request.offer.gpuModel}`);
    this.runs.set(request.attemptId, { launchedAt: this.clock.now().getTime(), lost: rng() < this.config.failureRate, cancelled: false });
    return { providerRef: `${this.name}:${request.attemptId}` };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const run = this.runs.get(ref.attemptId);
    if (!run) throw new ProviderError('unknown-job', `${this.name} has no attempt ${ref.attemptId}`);
    if (run.cancelled) return { state: 'failed', message: 'cancelled' };
    const elapsed = this.clock.now().getTime() - run.launchedAt;
    if (elapsed < this.config.startDelayMs) return { state: 'pending' };
    // A lost machine disappears halfway through its run.
    if (run.lost && elapsed >= this.config.startDelayMs + this.config.runTimeMs / 2) {
      return { state: 'lost', providerFault: true, message: `${this.name} lost the machine mid-run` };
    }
    if (elapsed < this.config.startDelayMs + this.config.runTimeMs) return { state: 'running' };
    return { state: 'succeeded', exitCode: 0 };
  }

  /** A simulated list endpoint: one call answers for many attempts, each judged as status() judges it. */
  async statusMany(refs: AttemptRef[]): Promise<Map<string, StatusAnswer>> {
    return answerEach(refs, (ref) => this.status(ref));
  }

  async cancel(ref: AttemptRef): Promise<void> {
    const run = this.runs.get(ref.attemptId);
    if (!run) throw new ProviderError('unknown-job', `${this.name} has no attempt ${ref.attemptId}`);
    run.cancelled = true;
  }

  /** Attempts still holding a (simulated) machine; for tests that check nothing is left running. */
  liveAttemptIds(): string[] {
    const now = this.clock.now().getTime();
    return [...this.runs.entries()].filter(([, r]) => this.holdsMachine(r, now)).map(([id]) => id);
  }

  /** What a real adapter finds by its launch labels: every machine still held, for the orphan sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    return this.liveAttemptIds().map((attemptId) => ({ attemptId, providerRef: `${this.name}:${attemptId}` }));
  }

  // A machine is held until it is cancelled, finishes its run, or (when lost) disappears halfway.
  private holdsMachine(run: SimRun, now: number): boolean {
    const elapsed = now - run.launchedAt;
    const end = this.config.startDelayMs + (run.lost ? this.config.runTimeMs / 2 : this.config.runTimeMs);
    return !run.cancelled && elapsed < end;
  }
}
