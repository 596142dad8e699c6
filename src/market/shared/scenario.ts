// The scenario a fake market plays: what capacity exists at what price, how long
// workloads take to start and run, and which failures to inject. Tests script it
// (planNextLaunch, injectHttp, revokeAuth); otherwise failures are drawn from the
// seeded rates, so a benchmark run is reproducible.
import { createRng, type Rng } from './rng.js';

/** One kind of machine on offer: `machines` hosts, each with `gpusPerMachine` GPUs. */
export interface GpuSupply {
  /** The provider's own spelling of the model (e.g. "H100 SXM" on Vast, "h100" on Akash). */
  model: string;
  vramGb: number;
  machines: number;
  gpusPerMachine: number;
  /** Mean host price; each host is jittered ±10% around it by the seeded RNG. */
  pricePerGpuHourUsd: number;
  regions?: string[];
}

/** What happens to the next launched workload. */
export type LaunchPlan =
  | { kind: 'succeed' }
  | { kind: 'fail'; exitCode: number }
  /** The host disappears `afterMs` after the workload started running. */
  | { kind: 'lost'; afterMs: number }
  /** Accepted but never starts (image pull stuck, host wedged). */
  | { kind: 'hang' }
  /** The provider refuses the launch (capacity gone between quote and launch). */
  | { kind: 'refuse' };

/** An HTTP failure returned instead of the real answer, for matching requests. */
export interface HttpFault {
  status: number;
  retryAfterSeconds?: number;
  method?: string;
  path?: RegExp;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export interface FailureRates {
  refuse?: number;
  lost?: number;
  hang?: number;
  fail?: number;
}

export interface ScenarioOptions {
  supply?: GpuSupply[];
  /** Time from an accepted launch to the workload running. */
  startDelayMs?: number;
  /** Time the workload runs before it exits. */
  runMs?: number;
  rates?: FailureRates;
  /** Where the clock comes from; real time by default so polling tests see progress. */
  now?: () => number;
}

export class Scenario {
  readonly supply: GpuSupply[];
  startDelayMs: number;
  runMs: number;
  rates: Required<FailureRates>;
  readonly now: () => number;
  /** While true the fake rejects every credential, as if the key had been revoked. */
  authRevoked = false;
  private readonly faults: Array<HttpFault & { left: number }> = [];
  private readonly plans: LaunchPlan[] = [];

  constructor(
    options: ScenarioOptions,
    defaultSupply: GpuSupply[],
    readonly rng: Rng,
  ) {
    this.supply = options.supply ?? defaultSupply;
    this.startDelayMs = options.startDelayMs ?? 50;
    this.runMs = options.runMs ?? 150;
    this.rates = { refuse: 0, lost: 0, hang: 0, fail: 0, ...options.rates };
    this.now = options.now ?? Date.now;
  }

  /** Queue the outcome of the next launch; queued plans win over the random rates. */
  planNextLaunch(plan: LaunchPlan): this {
    this.plans.push(plan);
    return this;
  }

  /** Fail the next matching request(s) with this status (429 carries Retry-After). */
  injectHttp(fault: HttpFault): this {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  revokeAuth(): this {
    this.authRevoked = true;
    return this;
  }

  restoreAuth(): this {
    this.authRevoked = false;
    return this;
  }

  /** Used by the server: the fault to answer this request with, if any. */
  takeHttpFault(method: string, path: string): HttpFault | undefined {
    const index = this.faults.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  /** Used by the fakes at launch: a scripted plan, else one drawn from the rates. */
  takeLaunchPlan(): LaunchPlan {
    const scripted = this.plans.shift();
    if (scripted) return scripted;
    const r = this.rng.next();
    let edge = this.rates.refuse;
    if (r < edge) return { kind: 'refuse' };
    edge += this.rates.lost;
    if (r < edge) return { kind: 'lost', afterMs: Math.max(1, Math.floor(this.runMs / 2)) };
    edge += this.rates.hang;
    if (r < edge) return { kind: 'hang' };
    edge += this.rates.fail;
    if (r < edge) return { kind: 'fail', exitCode: 1 };
    return { kind: 'succeed' };
  }
}

export const createScenario = (
  seed: number,
  options: ScenarioOptions,
  defaultSupply: GpuSupply[],
): Scenario => new Scenario(options, defaultSupply, createRng(seed));
