// Deployment options, read from CDK context (cdk.json or `-c key=value` on the command line),
// validated once here so that every construct receives plain, typed values.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Lambda functions the stack deploys; each maps to `functions/<name>.ts`. */
export type FunctionName = 'api' | 'payments' | 'dispatch' | 'reconcile' | 'webhooks' | 'billing';
/** Handlers that arrive with later features; each can be forced on or off by a context flag. */
export type OptionalFunction = 'webhooks' | 'billing';

export interface CustomDomain {
  /** e.g. api.switchyard.example.com */
  domainName: string;
  /** An ACM certificate for that name, in the stack's region. */
  certificateArn: string;
}

export interface StageConfig {
  /** Short name that prefixes the stack and every physical name: dev, staging, prod. */
  stage: string;
  enabledProviders: string[];
  /** Switchyard's margin over provider cost, in percent (15 = cost × 1.15). */
  marginPercent: number;
  /** Where alarms are e-mailed; the SNS topic exists either way. */
  alarmEmail?: string;
  customDomain?: CustomDomain;
  /** Steady-state requests per second and burst for the whole HTTP API stage. */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Upper bound on concurrent dispatch invocations, so a backlog cannot exhaust account concurrency. */
  dispatchMaxConcurrency: number;
  /**
   * Reconcile invocations that share each minute's pass (1..4, the reconcile index's
   * partitions): one schedule target per shard, each job in exactly one.
   */
  reconcileShards: number;
  /** Retention of Lambda and API access logs. */
  logRetentionDays: number;
  /** Days a job's logs are kept in the logs bucket (an S3 lifecycle rule). */
  jobLogRetentionDays: number;
  /** Days a job's outputs are kept in the outputs bucket. */
  outputRetentionDays: number;
  /** Days a checkpoint is kept after it was written (a job resumes from its latest). */
  checkpointRetentionDays: number;
  /** Largest total size of one attempt's declared outputs, in bytes. */
  maxOutputBytes: number;
  /** Absolute path of the directory that holds the Lambda entry points. */
  functionsDir: string;
  /** Whether to deploy the scheduled webhook delivery (needs functions/webhooks.ts). */
  webhooks: boolean;
  /** Whether to deploy the monthly billing run (needs functions/billing.ts). */
  billing: boolean;
  /**
   * AWS Batch job queues the cloud fallback may submit to with the functions' own roles
   * (no static keys). Empty: the fallback gets no AWS Batch permissions at all.
   */
  awsBatchJobQueueArns: string[];
  /**
   * USDC settings for the payments function (deposit verification, payout batches), as the environment
   * variables src/billing/environment.ts reads. Empty: USDC is off.
   */
  usdcEnvironment: Record<string, string>;
}

/** Anything with CDK's `tryGetContext`: an App, a Stack, a construct node. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

// CloudWatch Logs accepts only these retention periods.
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const JOB_QUEUE_ARN_PATTERN = /^arn:aws[a-z-]*:batch:[a-z0-9-]+:\d{12}:job-queue\/[A-Za-z0-9_-]{1,128}$/;
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const str = (ctx: ContextSource, key: string): string | undefined => {
  const value = ctx.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new Error(`context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  return String(value);
};

const num = (ctx: ContextSource, key: string, fallback: number, min: number, max: number): number => {
  const raw = str(ctx, key);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`context "${key}" must be a number in [${min}, ${max}], got ${raw}`);
  }
  return value;
};

/** `-c billing=true|false|auto` (same for webhooks); auto deploys a handler once its file exists. */
const optionalEnabled = (ctx: ContextSource, name: OptionalFunction, functionsDir: string): boolean => {
  const raw = str(ctx, name) ?? 'auto';
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'auto') return existsSync(join(functionsDir, `${name}.ts`));
  throw new Error(`context "${name}" must be true, false or auto, got ${raw}`);
};

/** Context key → environment variable, for the USDC options; given in pairs per chain. */
const USDC_CONTEXT = {
  usdcSolanaRpcUrl: 'USDC_SOLANA_RPC_URL',
  usdcSolanaTreasury: 'USDC_SOLANA_TREASURY',
  usdcBaseRpcUrl: 'USDC_BASE_RPC_URL',
  usdcBaseTreasury: 'USDC_BASE_TREASURY',
  usdcBaseConfirmations: 'USDC_BASE_CONFIRMATIONS',
} as const;

const usdcEnvironment = (ctx: ContextSource): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [key, variable] of Object.entries(USDC_CONTEXT)) {
    const value = str(ctx, key);
    if (value !== undefined) env[variable] = value;
  }
  for (const chain of ['SOLANA', 'BASE']) {
    if ((env[`USDC_${chain}_RPC_URL`] === undefined) !== (env[`USDC_${chain}_TREASURY`] === undefined)) {
      throw new Error(`context: the ${chain.toLowerCase()} USDC RPC URL and treasury must be given together`);
    }
  }
  for (const url of [env.USDC_SOLANA_RPC_URL, env.USDC_BASE_RPC_URL]) {
    if (url !== undefined && !url.startsWith('https://')) throw new Error(`context: USDC RPC URLs must be https, got ${url}`);
  }
  const confirmations = env.USDC_BASE_CONFIRMATIONS;
  if (confirmations !== undefined && !/^[1-9]\d{0,2}$/.test(confirmations)) {
    throw new Error(`context "usdcBaseConfirmations" must be a whole number of blocks, got ${confirmations}`);
  }
  // Payouts are a JSON object ({ "<provider>": { "chain": "solana", "address": "…" } }), given
  // either as an object in cdk.json or as a JSON string with -c.
  const payouts = ctx.tryGetContext('usdcPayouts');
  if (payouts !== undefined && payouts !== null && payouts !== '') {
    const parsed: unknown = typeof payouts === 'string' ? JSON.parse(payouts) : payouts;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('context "usdcPayouts" must be a JSON object keyed by provider name');
    }
    env.USDC_PAYOUTS = JSON.stringify(parsed);
  }
  return env;
};

/**
 * Reads and validates the stage configuration.
 * @param projectRoot the repository root; `functionsDir` is resolved against it.
 */
export function loadStageConfig(ctx: ContextSource, projectRoot: string): StageConfig {
  const stage = str(ctx, 'stage') ?? 'dev';
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(`context "stage" must match ${STAGE_PATTERN}, got ${stage}`);
  }

  const providers = (str(ctx, 'enabledProviders') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (providers.length === 0) throw new Error('context "enabledProviders" must name at least one provider');

  const marginPercent = num(ctx, 'marginPercent', 15, 0, 1000);
  if (!Number.isInteger(Math.round(marginPercent * 1e6) / 1e4)) {
    throw new Error(`context "marginPercent" must be a whole number of basis points (at most 2 decimals), got ${marginPercent}`);
  }

  const alarmEmail = str(ctx, 'alarmEmail');
  if (alarmEmail !== undefined && !EMAIL_PATTERN.test(alarmEmail)) {
    throw new Error(`context "alarmEmail" is not an e-mail address: ${alarmEmail}`);
  }

  const domainName = str(ctx, 'domainName');
  const certificateArn = str(ctx, 'certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('context "domainName" and "certificateArn" must be given together');
  }

  const logRetentionDays = num(ctx, 'logRetentionDays', 30, 1, 3653);
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    throw new Error(`context "logRetentionDays" must be one of ${RETENTION_DAYS.join(', ')}`);
  }

  const awsBatchJobQueueArns = (str(ctx, 'awsBatchJobQueueArns') ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn !== '');
  for (const arn of awsBatchJobQueueArns) {
    if (!JOB_QUEUE_ARN_PATTERN.test(arn)) throw new Error(`context "awsBatchJobQueueArns": not a job queue ARN: ${arn}`);
  }
  if (awsBatchJobQueueArns.length > 0 && !providers.includes('aws-batch')) {
    throw new Error('context "awsBatchJobQueueArns" is set but "aws-batch" is not in enabledProviders');
  }

  const functionsDir = join(projectRoot, str(ctx, 'functionsDir') ?? 'functions');

  return {
    stage,
    enabledProviders: providers,
    marginPercent,
    ...(alarmEmail !== undefined && { alarmEmail }),
    ...(domainName !== undefined && certificateArn !== undefined && { customDomain: { domainName, certificateArn } }),
    apiThrottle: {
      rateLimit: num(ctx, 'apiRateLimit', 100, 1, 10_000),
      burstLimit: num(ctx, 'apiBurstLimit', 200, 1, 5_000),
    },
    dispatchMaxConcurrency: num(ctx, 'dispatchMaxConcurrency', 10, 2, 1000),
    reconcileShards: Math.round(num(ctx, 'reconcileShards', 1, 1, 4)),
    logRetentionDays,
    jobLogRetentionDays: num(ctx, 'jobLogRetentionDays', 30, 1, 3650),
    outputRetentionDays: num(ctx, 'outputRetentionDays', 30, 1, 3650),
    checkpointRetentionDays: num(ctx, 'checkpointRetentionDays', 14, 1, 3650),
    maxOutputBytes: num(ctx, 'maxOutputBytes', 50 * 1024 ** 3, 1, 5 * 1024 ** 4),
    functionsDir,
    webhooks: optionalEnabled(ctx, 'webhooks', functionsDir),
    billing: optionalEnabled(ctx, 'billing', functionsDir),
    awsBatchJobQueueArns,
    usdcEnvironment: usdcEnvironment(ctx),
  };
}
