// Fault knobs for local mode (`npm start`, `npm run chaos`): SWITCHYARD_FAULTS holds a JSON
// object; unset, nothing here is installed and the system behaves as it always does.
//
//   { "seed": 7,
//     "providers": { "*": { "http5xx": 0.02, "http429": 0.02, "retryAfterSeconds": 1,
//                           "httpHang": 0.01, "httpHangMs": 5000,
//                           "refuse": 0.05, "lost": 0.05, "hang": 0.01 } },
//     "queueDrop": 0.05, "dynamoThrottle": 0.02,
//     "market": { "startDelayMs": 1000, "runMs": 3000 } }
//
// Per provider (a name of the local market, or "*" for every fake): injected HTTP answers
// (5xx, 429 with Retry-After, a request held for httpHangMs before its real answer) and launch
// outcomes (refused, machine lost mid-run, accepted but never starts). queueDrop: the embedded
// queue accepts a send and loses it. dynamoThrottle: a DynamoDB call fails with
// ProvisionedThroughputExceededException before it is sent (the SDK's retry sees it as the real
// thing). Every draw comes from a seeded RNG per knob, so a run's fault sequence is reproducible
// (which request meets which draw still depends on timing).
import { ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRng, type FailureRates, type Rng } from '../market/shared/index.js';
import { setHttpChaos, type HttpChaos } from '../market/shared/chaos.js';

export interface ProviderFaults {
  http5xx?: number;
  http429?: number;
  retryAfterSeconds?: number;
  httpHang?: number;
  httpHangMs?: number;
  refuse?: number;
  lost?: number;
  hang?: number;
}

export interface FaultConfig {
  seed?: number;
  providers?: Record<string, ProviderFaults>;
  queueDrop?: number;
  dynamoThrottle?: number;
  /** Demo timings of the local market's workloads (shorter runs for chaos runs). */
  market?: { startDelayMs?: number; runMs?: number };
}

/** How many faults were injected, by kind ("vastai.http5xx", "queue.drop", "dynamodb.throttle"). */
export type FaultCounters = Record<string, number>;

const RATE_KEYS = ['http5xx', 'http429', 'httpHang', 'refuse', 'lost', 'hang', 'queueDrop', 'dynamoThrottle'] as const;

export class InvalidFaultsError extends Error {
  constructor(detail: string) {
    super(`SWITCHYARD_FAULTS: ${detail}`);
  }
}

const checkRate = (where: string, value: unknown): void => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InvalidFaultsError(`${where} must be a number in [0, 1]`);
};

export const parseFaults = (text: string | undefined): FaultConfig | undefined => {
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidFaultsError('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidFaultsError('must be a JSON object');
  const config = parsed as FaultConfig;
  checkRate('queueDrop', config.queueDrop);
  checkRate('dynamoThrottle', config.dynamoThrottle);
  for (const [name, knobs] of Object.entries(config.providers ?? {})) {
    for (const key of RATE_KEYS) checkRate(`providers.${name}.${key}`, (knobs as Record<string, unknown>)[key]);
  }
  return config;
};

/** The installed knobs of one running system, with what they injected so far. */
export class Faults {
  readonly counters: FaultCounters = {};
  private readonly rngs = new Map<string, Rng>();

  constructor(readonly config: FaultConfig) {}

  /** True with probability `rate`, from the knob's own seeded stream; counts a hit. */
  draw(knob: string, rate: number | undefined): boolean {
    if (!rate) return false;
    let rng = this.rngs.get(knob);
    if (!rng) {
      rng = createRng((this.config.seed ?? 1) ^ hash(knob));
      this.rngs.set(knob, rng);
    }
    if (!rng.chance(rate)) return false;
    this.counters[knob] = (this.counters[knob] ?? 0) + 1;
    return true;
  }

  forProvider(name: string): ProviderFaults | undefined {
    const own = this.config.providers?.[name];
    const all = this.config.providers?.['*'];
    return own || all ? { ...all, ...own } : undefined;
  }

  /** Launch outcome rates for a fake: the knobs replace the fake's own demo rates where set. */
  launchRates(name: string, base: FailureRates = {}): FailureRates {
    const knobs = this.forProvider(name);
    if (!knobs) return base;
    return {
      ...base,
      ...(knobs.refuse !== undefined ? { refuse: knobs.refuse } : {}),
      ...(knobs.lost !== undefined ? { lost: knobs.lost } : {}),
      ...(knobs.hang !== undefined ? { hang: knobs.hang } : {}),
    };
  }

  /** Registers the HTTP faults with the market fakes (src/market/shared/chaos.ts). */
  installHttp(): void {
    setHttpChaos((provider): ReturnType<HttpChaos> => {
      const knobs = this.forProvider(provider);
      if (!knobs) return undefined;
      if (this.draw(`${provider}.http5xx`, knobs.http5xx)) return { status: 503 };
      if (this.draw(`${provider}.http429`, knobs.http429)) return { status: 429, retryAfterSeconds: knobs.retryAfterSeconds ?? 1 };
      if (this.draw(`${provider}.httpHang`, knobs.httpHang)) return { delayMs: knobs.httpHangMs ?? 5000 };
      return undefined;
    });
  }

  /** The embedded queue loses a send: the caller sees success, nothing is ever delivered. */
  dropsEnqueue(): boolean {
    return this.draw('queue.drop', this.config.queueDrop);
  }

  /** ProvisionedThroughputExceeded before the request leaves, below the SDK's retry. */
  installDynamoThrottle(client: DynamoDBClient): void {
    if (!this.config.dynamoThrottle) return;
    client.middlewareStack.add(
      (next) => async (args) => {
        if (this.draw('dynamodb.throttle', this.config.dynamoThrottle)) {
          throw new ProvisionedThroughputExceededException({ message: 'injected throttle (SWITCHYARD_FAULTS)', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'switchyardFaultThrottle' },
    );
  }

  uninstall(): void {
    setHttpChaos(undefined);
  }
}

const hash = (text: string): number => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
};

/** The knobs from SWITCHYARD_FAULTS, or none. */
export const faultsFromEnv = (env: NodeJS.ProcessEnv = process.env): Faults | undefined => {
  const config = parseFaults(env.SWITCHYARD_FAULTS);
  return config ? new Faults(config) : undefined;
};
