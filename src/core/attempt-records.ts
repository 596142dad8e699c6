// What the job path records of an attempt besides its state: the provider's handle (and an
// unfinished launch's sealed state) once launched, and its outcome for the provider's
// learned reliability once ended.
import type { Attempt, Job } from './job.js';
import { isTerminal } from './job.js';
import { ConflictError } from './ports.js';
import type { LaunchResult } from './provider.js';
import type { AttemptOutcomeKind } from './reliability.js';
import { sealLaunchState, type SealedLaunchState } from './launch-state.js';
import { JobChange } from './transitions.js';
import type { DispatchDeps } from './dispatch.js';
import { cancelAtProvider } from './release.js';

/**
 * Store the provider's handle (and an unfinished launch's state, sealed); if the job was
 * cancelled meanwhile, stop what we just launched. The first try writes on the job as this
 * dispatcher recorded it (no read); only a conflict (a cancel, a reconcile pass) reads it again.
 */
export const recordLaunch = async (deps: DispatchDeps, jobId: string, attemptId: string, launched: LaunchResult, recorded: Job): Promise<void> => {
  const { providerRef } = launched;
  const launchState = await sealedStateOf(deps, recorded.tenantId, attemptId, launched);
  for (let i = 0; i < 5; i++) {
    const job = i === 0 ? recorded : await deps.store.get(jobId);
    const attempt = job?.attempts.find((a) => a.id === attemptId);
    if (!job || !attempt) return;
    if (attempt.providerRef === providerRef) return;
    const change = new JobChange(job, deps.clock.now().toISOString());
    const patch = { providerRef, ...(launchState ? { launchState } : {}) };
    change.attempt(attemptId, attempt.status === 'launching' ? { ...patch, status: 'starting' } : patch, launchState ? 'launched; waiting for the provider to finish it' : 'launched');
    try {
      await deps.store.write(change.build());
      // Cancelled while we were launching: stop what we just started.
      if (isTerminal(job.status)) await cancelAtProvider(deps, attempt.provider, { attemptId, providerRef });
      return;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
};

/** A launch that could not be sealed is recorded without its state: the start deadline ends it, and it is stopped. */
const sealedStateOf = async (deps: DispatchDeps, tenantId: string, attemptId: string, launched: LaunchResult): Promise<SealedLaunchState | undefined> => {
  if (launched.launchState === undefined || !deps.launchStates) return undefined;
  try {
    return await sealLaunchState(deps.launchStates, tenantId, attemptId, launched.launchState);
  } catch (error) {
    deps.log?.('launch state not sealed', { attemptId, error: String(error) });
    return undefined;
  }
};

/**
 * Count an ended attempt for or against its provider. Called after the job write that
 * ended it; the store counts each attempt id once, and a stats outage never blocks a job
 * (a lost sample only makes the estimate a little staler).
 */
export const recordOutcome = async (
  deps: Pick<DispatchDeps, 'stats' | 'log'>,
  attempt: Attempt,
  kind: AttemptOutcomeKind,
  at: string,
): Promise<void> => {
  if (!deps.stats) return;
  const startSeconds = attempt.startedAt ? (Date.parse(attempt.startedAt) - Date.parse(attempt.createdAt)) / 1000 : undefined;
  // Running time is the exposure for the loss rate per running hour (reliability-hazard.ts).
  const runSeconds = attempt.startedAt ? Math.max(0, (Date.parse(at) - Date.parse(attempt.startedAt)) / 1000) : undefined;
  try {
    await deps.stats.record({
      attemptId: attempt.id,
      provider: attempt.provider,
      gpuModel: attempt.gpuModel,
      // Per-host loss rates (reliability-hazard.ts) where the offer named its machine.
      ...(attempt.hostId !== undefined ? { hostId: attempt.hostId } : {}),
      kind,
      at,
      ...(startSeconds !== undefined ? { startSeconds } : {}),
      ...(runSeconds !== undefined ? { runSeconds } : {}),
    });
  } catch (error) {
    deps.log?.('could not record attempt outcome', { attemptId: attempt.id, error: String(error) });
  }
};
