// Helpers shared by the provider adapter tests: poll an adapter until it reports a
// state (the fakes' clocks run in real time), and capture a ProviderError.
import { expect } from 'vitest';
import { ProviderError, type AttemptRef, type Provider, type ProviderState, type ProviderStatus } from '../../src/core/provider.js';

export const waitForState = async (
  provider: Provider,
  ref: AttemptRef,
  state: ProviderState,
  timeoutMs = 5_000,
): Promise<{ final: ProviderStatus; seen: ProviderState[] }> => {
  const seen: ProviderState[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await provider.status(ref);
    if (seen[seen.length - 1] !== s.state) seen.push(s.state);
    if (s.state === state) return { final: s, seen };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${state}; saw ${seen.join(' -> ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export const providerError = async (p: Promise<unknown>): Promise<ProviderError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected a ProviderError, but the call succeeded');
};
