// The job agent in AWS: the token key from Secrets Manager (like the admin key, cached 5
// minutes so a rotation lands without a redeploy), the run-time buckets, and the URL
// agents call. Each piece is on only when the stack sets its variables:
//   AGENT_TOKEN_KEY_SECRET_ARN  a secret of ≥ 32 characters (the HMAC key of attempt tokens)
//   LOGS_BUCKET, OUTPUTS_BUCKET, CHECKPOINTS_BUCKET
//   SWITCHYARD_PUBLIC_URL (or API_URL)  the HTTP API's URL, where agents report
//   HEARTBEAT_GRACE_SECONDS (180), AGENT_RATE_LIMIT_PER_SECOND (10), AGENT_RATE_LIMIT_BURST (100)
import { DynamoAgentStore } from '../adapters/dynamodb/agent-store.js';
import { createS3Client, S3ObjectStore } from '../adapters/s3/s3-object-store.js';
import type { AgentApiDeps } from '../api/routes/agent-deps.js';
import { DEFAULT_HEARTBEAT_GRACE_SECONDS, type AgentRuntimeDeps } from '../core/agent.js';
import type { RuntimeBuckets } from '../core/object-store.js';
import { DEFAULT_START_DEADLINE_SECONDS } from '../core/start-deadline.js';
import { DynamoRateLimiter } from '../ratelimit/token-bucket.js';
import { db, readSecretText, tableName } from './base.js';

export const agentTokenKey = async (): Promise<string | undefined> => {
  const arn = process.env.AGENT_TOKEN_KEY_SECRET_ARN;
  const value = arn ? await readSecretText(arn) : undefined;
  return typeof value === 'string' && value.length >= 32 ? value : undefined;
};

const store = new DynamoAgentStore(db, tableName);

let buckets: RuntimeBuckets | undefined;
const runtimeBuckets = (): RuntimeBuckets | undefined => {
  const { LOGS_BUCKET, OUTPUTS_BUCKET, CHECKPOINTS_BUCKET } = process.env;
  if (!LOGS_BUCKET || !OUTPUTS_BUCKET || !CHECKPOINTS_BUCKET) return undefined;
  const client = createS3Client();
  return (buckets ??= {
    logs: new S3ObjectStore(client, LOGS_BUCKET),
    outputs: new S3ObjectStore(client, OUTPUTS_BUCKET),
    checkpoints: new S3ObjectStore(client, CHECKPOINTS_BUCKET),
  });
};

/** The api function's agent routes and job logs; off until the stack provides the buckets and the key. */
export const agentApiDeps = (): AgentApiDeps | undefined => {
  const runtime = runtimeBuckets();
  if (!runtime || !process.env.AGENT_TOKEN_KEY_SECRET_ARN) return undefined;
  return {
    tokenKey: agentTokenKey,
    store,
    buckets: runtime,
    rateLimiter: new DynamoRateLimiter(db, tableName, {
      ratePerSecond: Number(process.env.AGENT_RATE_LIMIT_PER_SECOND ?? 10),
      burst: Number(process.env.AGENT_RATE_LIMIT_BURST ?? 100),
    }),
    // API Gateway ends a request after 30 s: a follower reconnects with Last-Event-ID.
    logsFollowMaxSeconds: 25,
  };
};

/** The dispatcher's and reconciler's view of the agent; off until the stack provides the key and the URL. */
export const agentRuntimeDeps = (): AgentRuntimeDeps | undefined => {
  const url = process.env.SWITCHYARD_PUBLIC_URL ?? process.env.API_URL;
  if (!url || !process.env.AGENT_TOKEN_KEY_SECRET_ARN) return undefined;
  const logs = runtimeBuckets()?.logs;
  return {
    launch: { apiUrl: () => url, tokenKey: agentTokenKey, startDeadlineSeconds: DEFAULT_START_DEADLINE_SECONDS },
    store,
    heartbeatGraceSeconds: Number(process.env.HEARTBEAT_GRACE_SECONDS ?? DEFAULT_HEARTBEAT_GRACE_SECONDS),
    ...(logs ? { logs } : {}),
  };
};
