// Transient failures at launch (a 503, a 429 with Retry-After, a timeout) are not refusals: the
// provider said nothing about the offer. The same launch is sent again after a short backoff,
// with the same attempt id, which providers take as a client token, so a launch that did land
// before its answer was lost is found, not doubled. Only what is still transient after the
// tries reaches the dispatcher, which then neither counts it against the provider nor lets it
// end the job (./capacity-wait.ts: the job waits and is placed again).
import { ProviderError, type LaunchResult } from './provider.js';

export interface LaunchRetryConfig {
  /** Launch calls in all, the first included. */
  tries: number;
  /** Backoff before the second call; doubled for each next one. */
  baseMs: number;
  /** The longest wait inside a dispatch; a Retry-After beyond it ends the tries at once. */
  maxWaitMs: number;
}

export const DEFAULT_LAUNCH_RETRY: LaunchRetryConfig = { tries: 3, baseMs: 500, maxWaitMs: 5000 };

export const isTransient = (error: unknown): error is ProviderError => error instanceof ProviderError && error.kind === 'transient';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const launchWithRetry = async (
  launch: () => Promise<LaunchResult>,
  config: LaunchRetryConfig = DEFAULT_LAUNCH_RETRY,
  onRetry?: (error: ProviderError, waitMs: number) => void,
): Promise<LaunchResult> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch();
    } catch (error) {
      if (!isTransient(error) || attempt >= config.tries) throw error;
      const backoff = config.baseMs * 2 ** (attempt - 1);
      const waitMs = Math.max(backoff, (error.retryAfterSeconds ?? 0) * 1000);
      if (waitMs > config.maxWaitMs) throw error; // the provider asks for longer than a dispatch should hold the job
      onRetry?.(error, waitMs);
      await sleep(waitMs);
    }
  }
};
