// An unfinished launch's state (LaunchResult.launchState: Akash's manifest while its auction
// is open) kept between the dispatcher's launch and the reconciler's later status reads. It
// may carry the job's env, its agent token and a registry login, so the core stores it only
// sealed (envelope encryption under the tenant secrets' master key, bound to the tenant and
// attempt) and opens it only to hand it back to the adapter that made it.
import type { Attempt, Job } from './job.js';
import type { AttemptRef } from './provider.js';

/** An envelope-sealed value (src/secrets/envelope.ts SealedSecret has this shape). */
export interface SealedLaunchState {
  wrapper: string;
  wrappedKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** Seals and opens values bound to a tenant and a name (src/secrets/envelope.ts SecretCipher). */
export interface LaunchStateSealer {
  seal(plaintext: string, context: { tenantId: string; name: string }): Promise<SealedLaunchState>;
  open(sealed: SealedLaunchState, context: { tenantId: string; name: string }): Promise<string>;
}

/** The sealing context's name: one no tenant secret can have (their names have no slash), so neither opens as the other. */
export const LAUNCH_STATE_NAME_PREFIX = 'launch-state/';
const contextOf = (tenantId: string, attemptId: string) => ({ tenantId, name: `${LAUNCH_STATE_NAME_PREFIX}${attemptId}` });

export const sealLaunchState = (sealer: LaunchStateSealer, tenantId: string, attemptId: string, state: string): Promise<SealedLaunchState> =>
  sealer.seal(state, contextOf(tenantId, attemptId));

type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * The ref a status read sends: with the opened launch state while the attempt holds one. A
 * state that does not open (the key unreadable) is left out: the adapter then only reads, and
 * the start deadline ends an auction it cannot finish.
 */
export const attemptRefOf = async (sealer: LaunchStateSealer | undefined, job: Pick<Job, 'tenantId'>, attempt: Attempt, log?: Log): Promise<AttemptRef> => {
  const ref: AttemptRef = { attemptId: attempt.id, ...(attempt.providerRef !== undefined ? { providerRef: attempt.providerRef } : {}) };
  if (!attempt.launchState || !sealer) return ref;
  try {
    return { ...ref, launchState: await sealer.open(attempt.launchState, contextOf(job.tenantId, attempt.id)) };
  } catch (error) {
    log?.('launch state did not open', { attemptId: attempt.id, error: String(error) });
    return ref;
  }
};
