// HTTP as a chaos client sees it: every answer counted by status class, every failed connection
// classified as cut by our own kill (the system's generation changed) or a real reset.
import type { SystemProcess } from './system-process.js';

export interface WireCounters {
  requests: number;
  status5xx: number;
  status429: number;
  /** Connection errors while the system was up and not killed meanwhile. */
  resets: number;
  /** Connection errors of requests our own kill -9 cut off (expected). */
  cutByKill: number;
  fiveXxSamples: string[];
}

export const newWireCounters = (): WireCounters => ({ requests: 0, status5xx: 0, status429: 0, resets: 0, cutByKill: 0, fiveXxSamples: [] });

export type Answer = { status: number; body: any; headers: Headers };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChaosClient {
  constructor(
    readonly baseUrl: string,
    readonly system: SystemProcess,
    readonly wire: WireCounters,
  ) {}

  /** One request; undefined when the connection failed (counted). */
  async once(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<Answer | undefined> {
    await this.system.whenUp();
    const generation = this.system.generation;
    this.wire.requests += 1;
    try {
      const res = await fetch(`${this.baseUrl}${path}`, { method, headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}), signal: AbortSignal.timeout(120_000) });
      const text = await res.text();
      if (res.status >= 500) {
        this.wire.status5xx += 1;
        if (this.wire.fiveXxSamples.length < 5) this.wire.fiveXxSamples.push(`${method} ${path} ${res.status} ${text.slice(0, 200)}`);
      }
      if (res.status === 429) this.wire.status429 += 1;
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body, headers: res.headers };
    } catch {
      if (generation !== this.system.generation || !this.system.up) this.wire.cutByKill += 1;
      else this.wire.resets += 1;
      return undefined;
    }
  }

  /** Retries connection failures, 5xx and 429 (after Retry-After) until an answer below 500 that is not 429. */
  async until(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
    for (;;) {
      const answer = await this.once(method, path, init);
      if (answer && answer.status < 500 && answer.status !== 429) return answer;
      const wait = answer?.status === 429 ? Number(answer.headers.get('retry-after') ?? 1) * 1000 : 500;
      await sleep(wait);
    }
  }
}

/** Runs `work` over items with at most `limit` at once (no O(n) promise fan-out). */
export const pool = async <T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
};
