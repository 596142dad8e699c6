// Polls an adapter until it reports a state (the decentralized fakes' clocks run in real time).
import type { AttemptRef, Provider, ProviderState, ProviderStatus } from '../../../src/core/provider.js';

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
