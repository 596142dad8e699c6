// A simulated network that bills like the real ones: a machine exists (and bills) from
// launch until it is stopped, whatever its workload did; a stop takes `stopDelayMs` to
// complete, and may fail. It keeps a record of every machine's life, so tests and the
// market benchmark can measure what was billed after an attempt ended. It answers the
// release contract either itself (`release()`) or only through cancel + status (the
// core's default path), as `nativeRelease` says.
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import {
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
  type ReleaseState,
} from '../../core/provider.js';
import { mulberry32 } from './sim-provider.js';

export interface MeteredSimConfig {
  name: string;
  kind?: ProviderKind;
  catalog: CatalogEntry[];
  startDelayMs: number;
  runTimeMs: number;
  /** How long a machine takes to go away after the first accepted stop request. */
  stopDelayMs: number;
  refuseRate?: number;
  /** Chance the machine is lost halfway through its run (it keeps billing until stopped). */
  failureRate?: number;
  /** Chance the workload exits non-zero at the end of its run. */
  exitFailureRate?: number;
  /** Chance any one stop request fails with a 502. */
  stopFailRate?: number;
  /** Answer release() (true), or leave the core to cancel and read status (false). */
  nativeRelease?: boolean;
  seed: number;
}

/** One machine's life, in epoch milliseconds. */
export interface MachineRecord {
  attemptId: string;
  provider: string;
  launchedAt: number;
  /** When the workload stopped by itself (done, failed, or lost), had nobody stopped it. */
  workloadEndAt: number;
  /** The first stop request the provider accepted. */
  stopRequestedAt?: number;
  /** When the machine stopped existing (and billing). */
  goneAt?: number;
  /** Stop requests that failed. */
  stopFailures: number;
}

interface Machine extends MachineRecord {
  outcome: 'succeeded' | 'failed' | 'lost';
}

const hash = (text: string): number => {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
};

export class MeteredSim implements Provider {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly release?: (ref: AttemptRef) => Promise<ReleaseState>;
  private readonly machines = new Map<string, Machine>();
  private readonly stopRng: () => number;

  constructor(
    readonly config: MeteredSimConfig,
    private readonly clock: Clock = systemClock,
  ) {
    this.name = config.name;
    this.kind = config.kind ?? 'decentralized';
    this.stopRng = mulberry32(hash(`${config.seed}:stops`));
    if (config.nativeRelease) this.release = (ref) => this.releaseNative(ref);
  }

  info(): ProviderInfo {
    return { name: this.name, kind: this.kind, enabled: true, catalog: this.config.catalog, health: 'healthy' };
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    return this.config.catalog.map((entry) => ({
      provider: this.name,
      offerId: `${this.name}-${entry.gpuModel}`,
      gpuModel: entry.gpuModel,
      gpuCount: query.gpu.count,
      vramGb: entry.vramGb,
      pricePerGpuHourUsd: entry.pricePerGpuHourUsd,
      expectedStartSeconds: this.config.startDelayMs / 1000,
    }));
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const providerRef = `${this.name}:${request.attemptId}`;
    if (this.machines.has(request.attemptId)) return { providerRef };
    const rng = mulberry32(hash(`${this.config.seed}:${request.attemptId}`));
    if (rng() < (this.config.refuseRate ?? 0)) throw new ProviderError('capacity', `${this.name} has no free ${request.offer.gpuModel}`);
    const lost = rng() < (this.config.failureRate ?? 0);
    const exitFailed = rng() < (this.config.exitFailureRate ?? 0);
    const launchedAt = this.clock.now().getTime();
    const run = lost ? this.config.runTimeMs / 2 : this.config.runTimeMs;
    this.machines.set(request.attemptId, {
      attemptId: request.attemptId,
      provider: this.name,
      launchedAt,
      workloadEndAt: launchedAt + this.config.startDelayMs + run,
      stopFailures: 0,
      outcome: lost ? 'lost' : exitFailed ? 'failed' : 'succeeded',
    });
    return { providerRef };
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const m = this.machine(ref);
    const now = this.clock.now().getTime();
    // A destroyed machine is forgotten, as most providers' APIs answer 404 for it.
    if (this.isGone(m, now)) throw new ProviderError('unknown-job', `${this.name} has no machine for ${ref.attemptId}`);
    const resource = m.stopRequestedAt !== undefined ? ('stopping' as const) : ('held' as const);
    if (m.stopRequestedAt !== undefined && m.stopRequestedAt < m.workloadEndAt) return { state: 'failed', message: 'stopped', resource };
    if (now < m.launchedAt + this.config.startDelayMs) return { state: 'pending', resource };
    if (now < m.workloadEndAt) return { state: 'running', resource };
    if (m.outcome === 'lost') return { state: 'lost', providerFault: true, message: `${this.name} lost the machine`, resource };
    if (m.outcome === 'failed') return { state: 'failed', exitCode: 1, resource };
    return { state: 'succeeded', exitCode: 0, resource };
  }

  async cancel(ref: AttemptRef): Promise<void> {
    this.requestStop(this.machine(ref));
  }

  /** Machines still existing (and billing); what a real adapter finds by its launch labels. */
  async listOwned(): Promise<AttemptRef[]> {
    const now = this.clock.now().getTime();
    return [...this.machines.values()].filter((m) => !this.isGone(m, now)).map((m) => ({ attemptId: m.attemptId, providerRef: `${this.name}:${m.attemptId}` }));
  }

  /** Every machine's life so far; goneAt is filled in once the stop has completed. */
  records(): MachineRecord[] {
    const now = this.clock.now().getTime();
    return [...this.machines.values()].map(({ outcome: _outcome, ...m }) =>
      this.isGone(m, now) ? { ...m, goneAt: m.stopRequestedAt! + this.config.stopDelayMs } : m,
    );
  }

  private async releaseNative(ref: AttemptRef): Promise<ReleaseState> {
    const m = this.machine(ref);
    this.requestStop(m);
    return this.isGone(m, this.clock.now().getTime()) ? 'released' : 'pending';
  }

  private requestStop(m: Machine): void {
    if (m.stopRequestedAt !== undefined) return;
    if (this.stopRng() < (this.config.stopFailRate ?? 0)) {
      m.stopFailures++;
      throw new ProviderError('transient', `502 from ${this.name}`);
    }
    m.stopRequestedAt = this.clock.now().getTime();
  }

  private isGone(m: MachineRecord, now: number): boolean {
    return m.stopRequestedAt !== undefined && now >= m.stopRequestedAt + this.config.stopDelayMs;
  }

  private machine(ref: AttemptRef): Machine {
    const m = this.machines.get(ref.attemptId);
    if (!m) throw new ProviderError('unknown-job', `${this.name} has no attempt ${ref.attemptId}`);
    return m;
  }
}
