// One process-wide hook through which local mode's fault knobs (src/local/faults.ts) reach
// every fake server: set once at start, unset by default (then the fakes answer as always).
// A fake asks it per request, after the scenario's own scripted faults.

/** An injected answer (status, with Retry-After for 429) or a request held for delayMs. */
export type ChaosAnswer = { status: number; retryAfterSeconds?: number } | { delayMs: number };
export type HttpChaos = (provider: string, method: string, path: string) => ChaosAnswer | undefined;

let current: HttpChaos | undefined;

export const setHttpChaos = (chaos: HttpChaos | undefined): void => {
  current = chaos;
};

export const takeChaos = (provider: string, method: string, path: string): ChaosAnswer | undefined => current?.(provider, method, path);
