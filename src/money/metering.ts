// Metering: turn a finished job's attempts into what the customer pays and what each
// provider is owed. Pure; the ledger posts what this returns.
import type { Attempt, Job } from '../core/job.js';
import { usdToMicro } from './amounts.js';
import { customerAmount, providerAmount, type PricingConfig, type TenantPricing } from './pricing.js';

export interface MeteredAttempt {
  attemptId: string;
  provider: string;
  gpuModel: string;
  gpuCount: number;
  /** Running seconds (started → ended), whole seconds rounded up: every started second is used. */
  seconds: number;
  providerCostMicroUsd: number;
  /** Seconds the customer is billed for: capped at the job's maxDurationSeconds. */
  billedSeconds: number;
  customerMicroUsd: number;
  billable: boolean;
  why: string;
}

export interface JobUsage {
  jobId: string;
  tenantId: string;
  attempts: MeteredAttempt[];
  customerMicroUsd: number;
  providerCostMicroUsd: number;
  /** Provider name → µUSD owed for this job. */
  providerCosts: Record<string, number>;
}

/**
 * Whose fault an attempt's end was. Failover (machine lost, start deadline missed, status
 * errors) and launch refusals end an attempt as 'failed' and move the job on to another
 * offer, so a 'failed' attempt is the network's fault unless it is the job's last attempt
 * and the job itself failed for that attempt's reason (the command exited non-zero, which
 * the reconciler records as exitCode, or reported a workload failure whose reason became
 * the job's reason). When the dispatcher gives up ("no offer could run the job") the job's
 * reason differs from the attempt's, so that last attempt is still the network's.
 */
export const customerIsResponsible = (job: Job, attempt: Attempt, index: number): { billable: boolean; why: string } => {
  // A hedged start's loser (src/core/hedge.ts) was our bet on a faster start: its time is ours.
  if (attempt.hedge === 'lost') return { billable: false, why: "hedge lost: Switchyard's cost, not billed to the customer" };
  switch (attempt.status) {
    case 'succeeded':
      return { billable: true, why: 'succeeded' };
    case 'timed_out':
      return { billable: true, why: 'ran to its maxDurationSeconds' };
    case 'cancelled':
    case 'cancelling':
      return { billable: true, why: 'cancelled by the customer' };
    case 'failed': {
      const last = index === job.attempts.length - 1;
      const commandFailed = last && job.status === 'failed' && (attempt.exitCode !== undefined || (attempt.reason !== undefined && attempt.reason === job.reason));
      return commandFailed
        ? { billable: true, why: 'the command failed' }
        : { billable: false, why: "the network's fault: not billed to the customer" };
    }
    default:
      return { billable: false, why: `attempt still ${attempt.status}` };
  }
};

const runningSeconds = (attempt: Attempt, fallbackEnd: string): number => {
  if (!attempt.startedAt) return 0;
  const end = Date.parse(attempt.endedAt ?? fallbackEnd);
  const ms = end - Date.parse(attempt.startedAt);
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
};

export const meterJob = (job: Job, config: PricingConfig, pricing: TenantPricing): JobUsage => {
  const gpuCount = job.spec.resources.gpu.count;
  const providerCosts: Record<string, number> = {};
  // Billed seconds are capped at maxDurationSeconds across the whole job, so the charge
  // never exceeds the hold (ceiling × max duration × GPUs) even if the reconciler notices a
  // timeout a little late.
  let billedSoFar = 0;
  const attempts = job.attempts.map((attempt, index): MeteredAttempt => {
    const seconds = runningSeconds(attempt, job.updatedAt);
    const providerMicroPerGpuHour = usdToMicro(attempt.pricePerGpuHourUsd);
    const providerCostMicroUsd = providerAmount({ gpuCount, seconds, providerMicroPerGpuHour });
    if (providerCostMicroUsd > 0) providerCosts[attempt.provider] = (providerCosts[attempt.provider] ?? 0) + providerCostMicroUsd;
    const { billable, why } = customerIsResponsible(job, attempt, index);
    const billedSeconds = billable ? Math.min(seconds, job.spec.maxDurationSeconds - billedSoFar) : 0;
    billedSoFar += billedSeconds;
    const customerMicroUsd = billable
      ? customerAmount(config, pricing, job.spec, { gpuModel: attempt.gpuModel, gpuCount, seconds: billedSeconds, providerMicroPerGpuHour })
      : 0;
    return { attemptId: attempt.id, provider: attempt.provider, gpuModel: attempt.gpuModel, gpuCount, seconds, providerCostMicroUsd, billedSeconds, customerMicroUsd, billable, why };
  });
  return {
    jobId: job.id,
    tenantId: job.tenantId,
    attempts,
    customerMicroUsd: attempts.reduce((sum, a) => sum + a.customerMicroUsd, 0),
    providerCostMicroUsd: attempts.reduce((sum, a) => sum + a.providerCostMicroUsd, 0),
    providerCosts,
  };
};
