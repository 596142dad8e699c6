// The job agent as the reconciler's first signal, the provider's status as the second
// (DESIGN.md "The run-time contract"). Kept out of reconcile.ts's main flow: the
// reconciler asks observeAttempt() for the attempt's status and gets the provider's,
// corrected by what the agent reported:
//   - an exit report wins: the attempt ends with the agent's exit code
//     (exitCodeSource "agent"), and a machine the provider still bills for is stopped;
//   - a running attempt whose agent sent heartbeats and then went quiet for longer than
//     the grace is lost (lostBy "heartbeat"), whatever the provider says; an agent that
//     never spoke (an image without curl, wget or python3) is never judged this way;
//   - a "pending" machine whose agent is heartbeating is running.
import type { AgentRecord, AgentRuntimeDeps } from './agent.js';
import type { Attempt, Job } from './job.js';
import { tailOfLogs } from './logs.js';
import type { ProviderRegistry, ProviderStatus } from './provider.js';
import { ProviderError } from './provider.js';
import type { Clock } from './ports.js';

export interface ObservedStatus extends ProviderStatus {
  exitCodeSource?: 'agent' | 'provider';
  lostBy?: 'heartbeat' | 'provider';
}

interface SignalDeps {
  agent?: AgentRuntimeDeps;
  clock: Clock;
  providers: ProviderRegistry;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const fromProvider = (status: ProviderStatus): ObservedStatus => ({
  ...status,
  ...(status.exitCode !== undefined ? { exitCodeSource: 'provider' as const } : {}),
  ...(status.state === 'lost' ? { lostBy: 'provider' as const } : {}),
});

const agentRecord = async (deps: SignalDeps, job: Job, attempt: Attempt): Promise<AgentRecord | undefined> => {
  try {
    return await deps.agent!.store.get(job.id, attempt.id);
  } catch (error) {
    // Agent data is advisory: without it the provider's status decides, as before.
    deps.log?.('agent record unavailable; judging by the provider', { attemptId: attempt.id, error: String(error) });
    return undefined;
  }
};

/** Stop a machine whose command has exited but that the provider still runs (and bills). */
const stopFinishedMachine = async (deps: SignalDeps, attempt: Attempt): Promise<void> => {
  try {
    await deps.providers.get(attempt.provider)?.cancel({ attemptId: attempt.id, providerRef: attempt.providerRef });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'unknown-job') return;
    deps.log?.('could not stop a finished attempt; the orphan sweep will retry', { attemptId: attempt.id, error: String(error) });
  }
};

/**
 * A command killed by a signal may have been killed by the provider's own time limit, and the
 * agent's report of it can overtake the provider's status (read before the kill): ask the
 * provider once more, so its verdict (timedOut) is not lost to a stale "running". Plain exits
 * need no second read.
 */
const providerCaughtUp = async (deps: SignalDeps, attempt: Attempt, status: ProviderStatus, exitCode: number): Promise<ProviderStatus> => {
  if (exitCode <= 128 || (status.state !== 'running' && status.state !== 'pending')) return status;
  try {
    return (await deps.providers.get(attempt.provider)?.status({ attemptId: attempt.id, providerRef: attempt.providerRef })) ?? status;
  } catch {
    return status; // the exit report stands on its own
  }
};

/** `known`: the agent record already read for this attempt (a reconcile page reads them in batches). */
export const observeAttempt = async (
  deps: SignalDeps,
  job: Job,
  attempt: Attempt,
  status: ProviderStatus,
  known?: { record: AgentRecord | undefined },
): Promise<ObservedStatus> => {
  if (!deps.agent) return fromProvider(status);
  const record = known ? known.record : await agentRecord(deps, job, attempt);
  if (!record) return fromProvider(status);
  if (record.exit) {
    const { exitCode } = record.exit;
    const settled = await providerCaughtUp(deps, attempt, status, exitCode);
    if (settled.state === 'running' || settled.state === 'pending') await stopFinishedMachine(deps, attempt);
    return {
      state: exitCode === 0 ? 'succeeded' : 'failed',
      exitCode,
      exitCodeSource: 'agent',
      ...(settled.outputTail !== undefined ? { outputTail: settled.outputTail } : {}),
      ...(settled.timedOut ? { timedOut: true, message: settled.message ?? 'hit the time limit' } : {}),
    };
  }
  const quietSeconds = record.lastHeartbeatAt ? (deps.clock.now().getTime() - Date.parse(record.lastHeartbeatAt)) / 1000 : undefined;
  const graceSeconds = deps.agent.heartbeatGraceSeconds;
  if ((status.state === 'running' || status.state === 'pending') && record.firstHeartbeatAt && quietSeconds !== undefined) {
    if (quietSeconds > graceSeconds) {
      return {
        state: 'lost',
        providerFault: true,
        lostBy: 'heartbeat',
        message: `no heartbeat from the job agent for ${Math.round(quietSeconds)}s (grace ${graceSeconds}s) while ${attempt.provider} said ${status.state}`,
      };
    }
    if (status.state === 'pending') return { ...fromProvider(status), state: 'running' };
  }
  return fromProvider(status);
};

/** Why an attempt that ran to its end ended, saying so when nobody reported an exit code. */
export const exitReason = (provider: string, status: ProviderStatus): string => {
  if (status.exitCode !== undefined) return `the command exited with code ${status.exitCode}`;
  if (status.state === 'succeeded') return `${provider} reported success; exit code not reported by ${provider}`;
  return `${status.message ?? 'the attempt failed'}; exit code not reported by ${provider}`;
};

const OUTPUT_TAIL_BYTES = 4096;

/** The provider's output tail, or else the end of the logs the agent shipped (a timed-out job keeps its output). */
export const outputTailOf = async (deps: SignalDeps, job: Job, attempt: Attempt, status?: ProviderStatus): Promise<string | undefined> => {
  const tail = await rawOutputTailOf(deps, job, attempt, status);
  // The provider's copy of the output is raw: secret values are masked before it is stored.
  return tail !== undefined && deps.agent?.redactOutput ? deps.agent.redactOutput(job, tail) : tail;
};

const rawOutputTailOf = async (deps: SignalDeps, job: Job, attempt: Attempt, status?: ProviderStatus): Promise<string | undefined> => {
  if (status?.outputTail) return status.outputTail;
  if (!deps.agent?.logs) return status?.outputTail;
  try {
    return (await tailOfLogs(deps.agent.logs, job, attempt.id, OUTPUT_TAIL_BYTES)) ?? status?.outputTail;
  } catch (error) {
    deps.log?.('could not read the attempt\'s logs for its output tail', { attemptId: attempt.id, error: String(error) });
    return status?.outputTail;
  }
};
