// Where a simulated workload is at a given instant. Pure: each fake stores when a
// workload was accepted and its plan, and maps the phase to its own status words.
import type { LaunchPlan } from './scenario.js';

export type WorkloadPhase =
  /** First half of the start delay: the provider is still allocating. */
  | { phase: 'provisioning' }
  /** Second half: image pull / container start. */
  | { phase: 'starting' }
  | { phase: 'running' }
  | { phase: 'exited'; exitCode: number }
  | { phase: 'lost' };

export interface Workload {
  acceptedAt: number;
  plan: LaunchPlan;
  startDelayMs: number;
  runMs: number;
}

export const phaseAt = (w: Workload, now: number): WorkloadPhase => {
  const elapsed = now - w.acceptedAt;
  if (w.plan.kind === 'hang') {
    return elapsed < w.startDelayMs / 2 ? { phase: 'provisioning' } : { phase: 'starting' };
  }
  if (elapsed < w.startDelayMs / 2) return { phase: 'provisioning' };
  if (elapsed < w.startDelayMs) return { phase: 'starting' };
  const running = elapsed - w.startDelayMs;
  if (w.plan.kind === 'lost') return running < w.plan.afterMs ? { phase: 'running' } : { phase: 'lost' };
  if (running < w.runMs) return { phase: 'running' };
  return { phase: 'exited', exitCode: w.plan.kind === 'fail' ? w.plan.exitCode : 0 };
};
