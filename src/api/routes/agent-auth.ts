// Authentication of the job agent: every /v1/agent/… request carries the attempt's
// capability token (src/agent/capability-token.ts) as "Authorization: Bearer sya1.…",
// never an API key. In order, before any handler writes anything:
//   1. body limit (AGENT_LIMITS.bodyBytes)                         → 413
//   2. token: missing, malformed, forged, another key's, expired   → 401 (one answer)
//   3. rate limit per attempt (bucket AGENT#<attemptId>)            → 429 + Retry-After
//   4. the token's job and attempt exist for the token's tenant     → 401
//   5. the attempt is live, or ended less than endedGraceSeconds ago (so the agent's final
//      flush after SIGTERM lands)                                   → else 409 attempt-ended
// Decision: an ended attempt is 409 (not 401): the token is genuine, the attempt is over,
// and the agent stops retrying on 409. Handlers read c.get('agent') (AgentRequestContext)
// and check `live` for what only a live attempt may do.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LIVE_ATTEMPT_STATUSES } from '../../core/job.js';
import type { JobStore } from '../../core/ports.js';
import type { Clock } from '../../core/ports.js';
import { verifyAttemptToken } from '../../agent/capability-token.js';
import type { ApiEnv } from '../context.js';
import { problem } from '../problem.js';
import { DEFAULT_ENDED_GRACE_SECONDS, type AgentApiDeps } from './agent-deps.js';

export const AGENT_LIMITS = {
  /** Largest agent request body: one log chunk or one JSON report. */
  bodyBytes: 64 * 1024,
} as const;

const unauthorized = (c: Parameters<MiddlewareHandler>[0]) =>
  problem(c, 401, 'unauthorized', 'Unauthorized', 'The agent token is missing, not valid for this attempt, or has expired.', {}, {
    'www-authenticate': 'Bearer realm="switchyard-agent"',
  });

export const requireAgentToken = (agent: AgentApiDeps, store: JobStore, clock: Clock): MiddlewareHandler<ApiEnv> => {
  const limitBody = bodyLimit({
    maxSize: AGENT_LIMITS.bodyBytes,
    onError: (c) => problem(c, 413, 'body-too-large', 'Body too large', `Agent request bodies are limited to ${AGENT_LIMITS.bodyBytes} bytes.`),
  });
  const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const token = /^Bearer[ \t]+(\S{1,1024})$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const key = await agent.tokenKey();
    const now = clock.now();
    const cap = token && key ? verifyAttemptToken(key, token, now.getTime()) : undefined;
    if (!cap) return unauthorized(c);
    if (agent.rateLimiter) {
      const decision = await agent.rateLimiter.take(`AGENT#${cap.attemptId}`);
      if (!decision.allowed) {
        return problem(
          c,
          429,
          'rate-limited',
          'Too many requests',
          `An attempt's agent may make ${agent.rateLimiter.config.ratePerSecond} requests per second (bursts of ${agent.rateLimiter.config.burst}); retry after ${decision.retryAfterSeconds} s.`,
          { retryAfterSeconds: decision.retryAfterSeconds },
          { 'retry-after': String(decision.retryAfterSeconds) },
        );
      }
    }
    const job = await store.get(cap.jobId);
    const attempt = job && job.tenantId === cap.tenantId ? job.attempts.find((a) => a.id === cap.attemptId) : undefined;
    if (!job || !attempt) return unauthorized(c);
    const live = LIVE_ATTEMPT_STATUSES.has(attempt.status);
    const graceMs = (agent.endedGraceSeconds ?? DEFAULT_ENDED_GRACE_SECONDS) * 1000;
    const endedAt = attempt.endedAt ? Date.parse(attempt.endedAt) : undefined;
    if (!live && endedAt !== undefined && now.getTime() - endedAt > graceMs) {
      return problem(c, 409, 'attempt-ended', 'Attempt ended', `Attempt ${attempt.id} ended (${attempt.status}); its agent has nothing more to report.`, {
        attemptStatus: attempt.status,
      });
    }
    c.set('tenantId', cap.tenantId);
    c.set('agent', { cap, job, attempt, live });
    await next();
  };
  return async (c, next) =>
    limitBody(c, async () => {
      const refused = await authenticate(c, next);
      if (refused) c.res = refused;
    });
};
