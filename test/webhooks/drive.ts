// Moves a submitted job through real store writes (JobChange on DynamoDB Local, as the
// dispatcher and reconciler do), with failovers, so a test has many announced events.
import { JobChange } from '../../src/core/transitions.js';
import type { Attempt } from '../../src/core/job.js';
import type { RunningSystem } from '../../src/local/system.js';

const write = async (system: RunningSystem, jobId: string, build: (c: JobChange) => JobChange) => {
  const job = (await system.store.get(jobId))!;
  await system.store.write(build(new JobChange(job, new Date().toISOString())).build());
};

const attempt = (n: number): Attempt => ({
  id: `att_${n}_${Math.random().toString(36).slice(2, 8)}`,
  provider: 'local',
  offerId: 'local-offer',
  gpuModel: 'H100',
  pricePerGpuHourUsd: 1,
  status: 'launching',
  createdAt: new Date().toISOString(),
});

/** placing → starting → running on a new attempt (announced: job.running). */
export const place = async (system: RunningSystem, jobId: string, n: number) => {
  await write(system, jobId, (c) => c.status('placing', 'looking for an offer'));
  const a = attempt(n);
  await write(system, jobId, (c) => c.addAttempt(a).status('starting', 'placed'));
  await write(system, jobId, (c) => c.attempt(a.id, { status: 'running' }).status('running', 'started'));
  return a.id;
};

/** The running attempt is lost: failed, and the job back to placing (announced: job.failover). */
export const loseMachine = (system: RunningSystem, jobId: string, attemptId: string) =>
  write(system, jobId, (c) => c.attempt(attemptId, { status: 'failed' }, 'heartbeats stopped').status('placing', 'failing over: lost'));

/** Ends the job, then settles it in a write of its own, as the reconciler does. */
export const finish = async (system: RunningSystem, jobId: string, attemptId: string, costMicroUsd = 1234) => {
  await write(system, jobId, (c) => c.attempt(attemptId, { status: 'succeeded', exitCode: 0 }).status('succeeded', 'exit 0'));
  await write(system, jobId, (c) => c.settled(costMicroUsd));
};

/** queued (at submit) → running → failover → running → … → succeeded: 2 + 2×failovers + 1 announced events. */
export const driveWithFailovers = async (system: RunningSystem, jobId: string, failovers: number) => {
  let current = await place(system, jobId, 0);
  for (let i = 1; i <= failovers; i++) {
    await loseMachine(system, jobId, current);
    // Straight from placing to the next attempt: the failover already put the job back to placing.
    const a = attempt(i);
    await write(system, jobId, (c) => c.addAttempt(a).status('starting', 'placed'));
    await write(system, jobId, (c) => c.attempt(a.id, { status: 'running' }).status('running', 'started'));
    current = a.id;
  }
  await finish(system, jobId, current);
};
