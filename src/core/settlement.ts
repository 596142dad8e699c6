// Money final with the job: a change that ends a job (terminal status, no attempt still
// running or being stopped) is written together with its settlement — the job's cost on
// the job and the ledger posting that charges it — in one store write. A reader that sees
// the terminal status sees the cost, and the ledger agrees at that instant.
import { isTerminal, liveAttempt, type Job } from './job.js';
import { noAccounting, type JobAccounting, type JobStore } from './ports.js';
import type { JobChange, JobWrite } from './transitions.js';

/** Ended for good: terminal, nothing live, every cancelled attempt's end known (so it can be metered). */
export const readyToSettle = (job: Job): boolean =>
  isTerminal(job.status) && job.settledAt === undefined && !liveAttempt(job) && !job.attempts.some((a) => a.status === 'cancelling' && a.endedAt === undefined);

/** Writes the change; when it ends the job, with the settlement in the same write. Returns what was written. */
export const writeEnding = async (deps: { store: JobStore; accounting?: JobAccounting }, change: JobChange): Promise<JobWrite> => {
  const draft = change.build();
  if (!readyToSettle(draft.job)) {
    await deps.store.write(draft);
    return draft;
  }
  const plan = await (deps.accounting ?? noAccounting).planSettlement(draft.job);
  const write = change.settled(plan.costMicroUsd).build();
  await deps.store.write(write, plan.write);
  return write;
};
