// The check at submit for a job with a deadline: refuse (422) what cannot be met, naming
// the bound that fails, instead of accepting a job that is late before it starts.
import type { JobSpec } from './job.js';
import { deadlineMs } from './deadline.js';
import { eligibleProviders, offerFits, type PlacementContext } from './placement.js';
import type { Provider } from './provider.js';
import { expectedStartSeconds } from './reliability.js';

export type DeadlineBound = 'deadline-passed' | 'max-duration' | 'no-offer' | 'start-delay';

export interface DeadlineRefusal {
  bound: DeadlineBound;
  detail: string;
}

/**
 * Undefined when the deadline can be met: it is in the future, the job's run (its
 * maxDurationSeconds, the only length it declares) fits before it, some offer fits the job
 * now, and the soonest expected start (learned per provider) leaves room for the run.
 */
export const deadlineAtSubmit = async (providers: Provider[], spec: JobSpec, ctx: PlacementContext & { now: Date }): Promise<DeadlineRefusal | undefined> => {
  const end = deadlineMs(spec, ctx.now.toISOString());
  if (end === undefined) return undefined;
  const left = (end - ctx.now.getTime()) / 1000;
  if (left <= 0) return { bound: 'deadline-passed', detail: `the deadline ${new Date(end).toISOString()} has passed` };
  if (spec.maxDurationSeconds > left) {
    return { bound: 'max-duration', detail: `maxDurationSeconds (${spec.maxDurationSeconds}s) is longer than the ${Math.floor(left)}s left before the deadline` };
  }
  const eligible = eligibleProviders(providers, spec, new Set(), ctx);
  const answers = await Promise.allSettled(eligible.map((p) => p.offers({ gpu: spec.resources.gpu, maxPricePerGpuHourUsd: spec.maxPricePerGpuHourUsd, ...(spec.placement.regions ? { regions: spec.placement.regions } : {}) })));
  const starts = answers.flatMap((r, i) =>
    r.status === 'fulfilled'
      ? r.value.filter((o) => o.provider === eligible[i]!.name && offerFits(o, spec)).map((o) => expectedStartSeconds(ctx.stats?.get(o.provider), o.gpuModel, o.expectedStartSeconds))
      : [],
  );
  if (starts.length === 0) return { bound: 'no-offer', detail: 'no offer fits the job now (GPU, VRAM, region, price and networks), so none can finish before the deadline' };
  const soonest = Math.min(...starts);
  if (soonest + spec.maxDurationSeconds > left) {
    return { bound: 'start-delay', detail: `the soonest expected start (${Math.round(soonest)}s) plus maxDurationSeconds (${spec.maxDurationSeconds}s) ends after the deadline (${Math.floor(left)}s left)` };
  }
  return undefined;
};
