// The cloud adapter tests' harness. The cloud fakes take a manual clock, so a test moves
// time forward explicitly instead of sleeping: fast and deterministic.
import { afterEach } from 'vitest';
import type { Provider } from '../../../src/core/provider.js';

export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export const manualClock = (start = 1_700_000_000_000): ManualClock => {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
};

/**
 * Returns `setup()`, which starts a fake on a fresh manual clock and builds the adapter
 * against it; the fake is closed after each test.
 */
export const cloudHarness = <F extends { close(): Promise<void> }, P extends Provider>(
  start: (now: () => number) => Promise<F>,
  build: (fake: F) => P,
): (() => Promise<{ fake: F; provider: P; clock: ManualClock }>) => {
  let current: F | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async () => {
    const clock = manualClock();
    const fake = await start(clock.now);
    current = fake;
    return { fake, provider: build(fake), clock };
  };
};
