// Injects the job agent into a launch request: the command becomes
//   sh -c AGENT_SCRIPT switchyard-agent <command…>
// and the environment gains the agent's URL and the attempt's own capability token
// (issued here, per attempt, expiring with it), plus the run-time folders the job declared.
import type { JobSpec } from '../core/job.js';
import type { LaunchRequest } from '../core/provider.js';
import { agentCommand } from './agent-script.js';
import { START_DEADLINE_BOUNDS } from '../core/start-deadline.js';
import { attemptTokenExpiry, issueAttemptToken } from './capability-token.js';

export interface AgentLaunchConfig {
  /** Where the agent reaches the API: SWITCHYARD_PUBLIC_URL, the system's URL locally, the HTTP API's URL in AWS. */
  apiUrl: () => string;
  /** HMAC key of attempt tokens; without one, attempts launch without the agent. */
  tokenKey: () => Promise<string | undefined>;
  /** The reconciler's start deadline: part of the token's life. */
  startDeadlineSeconds: number;
  /** Agent heartbeat period (default 30 s); tests shorten it. */
  heartbeatSeconds?: number;
  /** How often the agent ships log chunks (default 1 s). */
  logIntervalSeconds?: number;
}

/** The variables the agent and the command read. */
export const AGENT_ENV = {
  url: 'SWITCHYARD_AGENT_URL',
  token: 'SWITCHYARD_AGENT_TOKEN',
  outputsDir: 'SWITCHYARD_OUTPUTS_DIR',
  checkpointDir: 'SWITCHYARD_CHECKPOINT_DIR',
  checkpointEvery: 'SWITCHYARD_CHECKPOINT_EVERY',
  heartbeatSeconds: 'SWITCHYARD_HEARTBEAT_SECONDS',
  logIntervalSeconds: 'SWITCHYARD_LOG_INTERVAL_SECONDS',
} as const;

export const withAgent = async (
  request: LaunchRequest,
  tenantId: string,
  spec: JobSpec,
  config: AgentLaunchConfig,
  nowMs: number,
): Promise<LaunchRequest | undefined> => {
  const key = await config.tokenKey();
  if (!key) return undefined;
  const token = issueAttemptToken(key, {
    tenantId,
    jobId: request.jobId,
    attemptId: request.attemptId,
    // The start deadline is learned per provider (src/core/pending-start.ts), up to its upper bound: the token covers any of them.
    expiresAt: attemptTokenExpiry(nowMs, spec.maxDurationSeconds, Math.max(config.startDeadlineSeconds, START_DEADLINE_BOUNDS.max)),
  });
  const env: Record<string, string> = {
    ...request.env,
    [AGENT_ENV.url]: config.apiUrl().replace(/\/+$/, ''),
    [AGENT_ENV.token]: token,
  };
  if (spec.outputs) env[AGENT_ENV.outputsDir] = spec.outputs.path;
  if (spec.checkpoint) {
    env[AGENT_ENV.checkpointDir] = spec.checkpoint.path;
    env[AGENT_ENV.checkpointEvery] = String(spec.checkpoint.everySeconds);
  }
  if (config.heartbeatSeconds !== undefined) env[AGENT_ENV.heartbeatSeconds] = String(config.heartbeatSeconds);
  if (config.logIntervalSeconds !== undefined) env[AGENT_ENV.logIntervalSeconds] = String(config.logIntervalSeconds);
  return { ...request, command: agentCommand(request.command), env };
};
