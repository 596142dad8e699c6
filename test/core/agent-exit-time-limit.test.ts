// The agent's exit report of a command its provider killed at the time limit can overtake the
// provider's status (read just before the kill). A signal exit makes the reconciler ask the
// provider once more, so the job ends timed_out with the agent's exit code, not failed; a plain
// exit needs no second read.
import { describe, expect, it } from 'vitest';
import { observeAttempt } from '../../src/core/agent-signals.js';
import type { AgentRecord, AgentRuntimeDeps } from '../../src/core/agent.js';
import type { Attempt, Job } from '../../src/core/job.js';
import { registryOf, type ProviderStatus } from '../../src/core/provider.js';
import { ManualClock, sim } from '../support/sim.js';

const attempt: Attempt = { id: 'job_t-a1', provider: 'sim-t', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'running', createdAt: '2026-01-01T00:00:00.000Z', providerRef: 'r1' };
const job = { id: 'job_t', tenantId: 't', attempts: [attempt] } as unknown as Job;

const setup = (exitCode: number) => {
  const clock = new ManualClock();
  const provider = sim({ name: 'sim-t' }, clock);
  let reads = 0;
  provider.status = async (): Promise<ProviderStatus> => {
    reads++;
    return { state: 'failed', timedOut: true, message: 'killed at maxDurationSeconds', exitCode: 143 };
  };
  const record: AgentRecord = { tenantId: 't', jobId: 'job_t', attemptId: 'job_t-a1', logBytes: 0, exit: { exitCode, endedAt: clock.now().toISOString(), reportedAt: clock.now().toISOString() } };
  const agent = { store: { get: async () => record }, heartbeatGraceSeconds: 180 } as unknown as AgentRuntimeDeps;
  return { deps: { agent, clock, providers: registryOf([provider]) }, reads: () => reads };
};

describe("an agent exit that overtakes the provider's time limit", () => {
  it('ends timed out when the provider, asked again, says it killed the run at the limit', async () => {
    const { deps, reads } = setup(143);
    const observed = await observeAttempt(deps, job, attempt, { state: 'running' });
    expect(observed).toMatchObject({ state: 'failed', exitCode: 143, exitCodeSource: 'agent', timedOut: true });
    expect(reads()).toBe(1);
  });

  it('takes a plain exit as it is, without a second read', async () => {
    const { deps, reads } = setup(1);
    const observed = await observeAttempt(deps, job, attempt, { state: 'running' });
    expect(observed).toMatchObject({ state: 'failed', exitCode: 1, exitCodeSource: 'agent' });
    expect(observed.timedOut).toBeUndefined();
    expect(reads()).toBe(0);
  });
});
