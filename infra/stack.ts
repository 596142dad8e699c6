// The Switchyard stack: composes the constructs and wires each function to exactly the
// resources it uses. Reading this file top to bottom should give the architecture in
// DESIGN.md: HTTP API → api (payment paths → payments) → table + queue → dispatch; schedules →
// reconcile, webhooks, billing.
import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionName, StageConfig } from './config.js';
import { grantAwsBatchFallback } from './constructs/aws-batch-access.js';
import { HttpApi } from './constructs/http-api.js';
import { JobQueue } from './constructs/job-queue.js';
import { Observability } from './constructs/observability.js';
import { Schedules } from './constructs/schedules.js';
import { Secrets } from './constructs/secrets.js';
import { ServiceFunction } from './constructs/service-function.js';
import { Tables } from './constructs/tables.js';
import { PAYMENT_PATHS } from '../src/api/groups/payment-paths.js';
import { RunTime } from './constructs/run-time.js';

/** Dispatch places a batch of jobs (provider quotes and launches over the network). */
export const DISPATCH_TIMEOUT = Duration.seconds(60);
/** Messages per dispatch invocation; failures are reported per message, not per batch. */
export const DISPATCH_BATCH_SIZE = 10;

export interface SwitchyardStackProps extends StackProps {
  config: StageConfig;
  /** Repository root: where package-lock.json and tsconfig.json live. */
  projectRoot: string;
}

export class SwitchyardStack extends Stack {
  readonly functions: Partial<Record<FunctionName, lambda.IFunction>> = {};

  constructor(scope: Construct, id: string, props: SwitchyardStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('project', 'switchyard');
    Tags.of(this).add('stage', config.stage);

    const tables = new Tables(this, 'Tables', { stage: config.stage });
    // No batching window: a submitted job should be dispatched at once, not after a wait.
    const batchingWindow = Duration.seconds(0);
    const jobs = new JobQueue(this, 'Jobs', { stage: config.stage, consumerTimeout: DISPATCH_TIMEOUT, batchingWindow });
    const secrets = new Secrets(this, 'Secrets', { stage: config.stage });
    // Logs, outputs, checkpoints, the tenant-secrets key and the agent token key (DESIGN.md, the run-time contract).
    const runTime = new RunTime(this, 'RunTime', {
      stage: config.stage,
      jobLogRetentionDays: config.jobLogRetentionDays,
      outputRetentionDays: config.outputRetentionDays,
      checkpointRetentionDays: config.checkpointRetentionDays,
    });

    const shared = {
      stage: config.stage,
      functionsDir: config.functionsDir,
      projectRoot: props.projectRoot,
      logRetention: config.logRetentionDays as logs.RetentionDays,
    };
    // Every handler gets these: the shared runtime (src/aws/base.ts) builds the store and
    // the queue client at load time. A queue URL is not a permission; only the functions that
    // enqueue are granted sqs:SendMessage.
    const core = {
      TABLE_NAME: tables.table.tableName,
      QUEUE_URL: jobs.queue.queueUrl,
      MARGIN_PERCENT: String(config.marginPercent),
      // The pricing code works in basis points (src/billing/environment.ts reads MARGIN_BPS).
      MARGIN_BPS: String(Math.round(config.marginPercent * 100)),
      ENABLED_PROVIDERS: config.enabledProviders.join(','),
    };

    // api: tenants' requests, all but the payment paths. Writes the job, then enqueues it.
    const api = new ServiceFunction(this, 'Api', {
      ...shared,
      name: 'api',
      description: 'Switchyard HTTP API (Hono)',
      // HTTP APIs give up after 30 s; a request that needs longer is a bug.
      timeout: Duration.seconds(15),
      // More memory is more CPU: faster cold starts and JSON work for interactive requests.
      memorySize: 1024,
      environment: {
        ...core,
        ADMIN_KEY_SECRET_ARN: secrets.adminKey.secretArn,
        // Quotes and GET /v1/providers ask the providers for live offers (read-only calls).
        PROVIDER_SECRETS_ARN: secrets.providers.secretArn,
        // The agent's routes: log chunks, presigned output and checkpoint URLs, secrets, tokens.
        LOGS_BUCKET: runTime.logs.bucketName,
        OUTPUTS_BUCKET: runTime.outputs.bucketName,
        CHECKPOINTS_BUCKET: runTime.checkpoints.bucketName,
        OUTPUTS_MAX_BYTES: String(config.maxOutputBytes),
        SECRETS_KEY_ARN: runTime.secretsKey.keyArn,
        AGENT_TOKEN_KEY_SECRET_ARN: runTime.agentTokenKey.secretArn,
      },
    });
    tables.grantItemReadWrite(api.fn);
    jobs.queue.grantSendMessages(api.fn);
    secrets.adminKey.grantRead(api.fn);
    secrets.providers.grantRead(api.fn);
    // Writes log chunks and reads them back; presigns output and checkpoint uploads and downloads,
    // lists what was uploaded before a commit, and removes a superseded checkpoint.
    runTime.grantObjects(api.role, runTime.logs, 'read-write');
    runTime.grantObjects(api.role, runTime.outputs, 'read-write');
    runTime.grantObjects(api.role, runTime.checkpoints, 'read-write-delete');
    for (const bucket of [runTime.logs, runTime.outputs, runTime.checkpoints]) runTime.grantList(api.role, bucket);
    // POST /v1/secrets seals; GET /v1/agent/secrets opens.
    runTime.grantSecrets(api.role, 'seal-and-open');
    runTime.agentTokenKey.grantRead(api.fn);
    // PUT /v1/outputs-bucket and tenants' own outputs buckets: assume the tenant's role, with its external id.
    runTime.grantAssumeTenantRoles(api.role);

    // payments: the Stripe webhook and the USDC routes (src/api/groups/payment-paths.ts), in a
    // function of their own so that only it carries stripe, viem and @solana/kit.
    const payments = new ServiceFunction(this, 'Payments', {
      ...shared,
      name: 'payments',
      description: 'Switchyard payment routes: Stripe webhooks, USDC deposits and payouts',
      timeout: Duration.seconds(15),
      // Chain RPC verification is network-bound; this is for the JSON and signature work.
      memorySize: 512,
      environment: {
        ...core,
        // The payout batch is an admin route; deposits are credited by tenants' API keys.
        ADMIN_KEY_SECRET_ARN: secrets.adminKey.secretArn,
        // POST /v1/webhooks/stripe verifies signatures with the signing secret kept there.
        STRIPE_SECRET_ARN: secrets.stripe.secretArn,
        // USDC deposits are verified, and payout batches built, here.
        ...config.usdcEnvironment,
      },
    });
    tables.grantItemReadWrite(payments.fn);
    secrets.adminKey.grantRead(payments.fn);
    secrets.stripe.grantRead(payments.fn);

    // dispatch: places queued jobs on providers; consumes the jobs queue, re-enqueues with delay.
    const dispatch = new ServiceFunction(this, 'Dispatch', {
      ...shared,
      name: 'dispatch',
      description: 'Switchyard dispatcher: places queued jobs on providers',
      timeout: DISPATCH_TIMEOUT,
      memorySize: 512,
      environment: {
        ...core,
        PROVIDER_SECRETS_ARN: secrets.providers.secretArn,
        // Registry logins for private images are tenant secrets; attempts get agent tokens at launch.
        SECRETS_KEY_ARN: runTime.secretsKey.keyArn,
        AGENT_TOKEN_KEY_SECRET_ARN: runTime.agentTokenKey.secretArn,
      },
    });
    tables.grantItemReadWrite(dispatch.fn);
    // Opens registry logins; seals an unfinished launch's state (an Akash auction's manifest).
    runTime.grantSecrets(dispatch.role, 'open-and-seal-launch-states');
    runTime.agentTokenKey.grantRead(dispatch.fn);
    jobs.queue.grantSendMessages(dispatch.fn);
    secrets.providers.grantRead(dispatch.fn);
    dispatch.fn.addEventSource(
      new SqsEventSource(jobs.queue, {
        batchSize: DISPATCH_BATCH_SIZE,
        maxBatchingWindow: batchingWindow,
        // One bad job must not send the whole batch back to the queue.
        reportBatchItemFailures: true,
        maxConcurrency: config.dispatchMaxConcurrency,
      }),
    );

    // reconcile: every minute; polls attempts, fails over, meters, re-enqueues orphans.
    const reconcile = new ServiceFunction(this, 'Reconcile', {
      ...shared,
      name: 'reconcile',
      description: 'Switchyard reconciler: polls attempts, times out, fails over, meters usage',
      // Finishes before the next tick starts another pass.
      timeout: Duration.seconds(55),
      memorySize: 512,
      environment: {
        ...core,
        PROVIDER_SECRETS_ARN: secrets.providers.secretArn,
        // Output tails come from the logs bucket, with the job's secret values masked.
        LOGS_BUCKET: runTime.logs.bucketName,
        SECRETS_KEY_ARN: runTime.secretsKey.keyArn,
        AGENT_TOKEN_KEY_SECRET_ARN: runTime.agentTokenKey.secretArn,
      },
    });
    tables.grantItemReadWrite(reconcile.fn);
    runTime.grantObjects(reconcile.role, runTime.logs, 'read');
    runTime.grantList(reconcile.role, runTime.logs);
    // Opens launch states to finish auctions; seals a hedge's own.
    runTime.grantSecrets(reconcile.role, 'open-and-seal-launch-states');
    runTime.agentTokenKey.grantRead(reconcile.fn);
    jobs.queue.grantSendMessages(reconcile.fn);
    secrets.providers.grantRead(reconcile.fn);

    // The AWS Batch fallback runs under the functions' roles: both place and poll attempts.
    if (config.awsBatchJobQueueArns.length > 0) {
      grantAwsBatchFallback(dispatch.role, config.awsBatchJobQueueArns);
      grantAwsBatchFallback(reconcile.role, config.awsBatchJobQueueArns);
    }

    this.functions.api = api.fn;
    this.functions.payments = payments.fn;
    this.functions.dispatch = dispatch.fn;
    this.functions.reconcile = reconcile.fn;

    // webhooks: delivers due outbox items (signed, to tenants' URLs) every minute.
    let webhooks: ServiceFunction | undefined;
    if (config.webhooks) {
      webhooks = new ServiceFunction(this, 'Webhooks', {
        ...shared,
        name: 'webhooks',
        description: 'Switchyard webhook delivery: signed job-state callbacks with retries',
        // Finishes before the next tick starts another pass.
        timeout: Duration.seconds(55),
        memorySize: 512,
        environment: core,
      });
      tables.grantItemReadWrite(webhooks.fn);
      this.functions.webhooks = webhooks.fn;
    }

    // billing: the monthly invoice run; only once its handler exists (config.billing).
    let billing: ServiceFunction | undefined;
    if (config.billing) {
      billing = new ServiceFunction(this, 'Billing', {
        ...shared,
        name: 'billing',
        description: 'Switchyard billing run: monthly Stripe invoices and USDC statements',
        timeout: Duration.minutes(10),
        memorySize: 512,
        environment: { ...core, STRIPE_SECRET_ARN: secrets.stripe.secretArn },
      });
      tables.grantItemReadWrite(billing.fn);
      secrets.stripe.grantRead(billing.fn);
      this.functions.billing = billing.fn;
    }

    new Schedules(this, 'Schedules', {
      stage: config.stage,
      reconcile: reconcile.fn,
      reconcileShards: config.reconcileShards,
      ...(webhooks && { webhooks: webhooks.fn }),
      ...(billing && { billing: billing.fn }),
    });

    const http = new HttpApi(this, 'Http', {
      stage: config.stage,
      handler: api.fn,
      routes: [{ paths: PAYMENT_PATHS, handler: payments.fn }],
      throttle: config.apiThrottle,
      logRetention: shared.logRetention,
      ...(config.customDomain && { customDomain: config.customDomain }),
    });

    // Where the agents injected at launch report (the dispatcher issues their tokens).
    dispatch.fn.addEnvironment('API_URL', http.url);
    reconcile.fn.addEnvironment('API_URL', http.url);

    const observability = new Observability(this, 'Observability', {
      stage: config.stage,
      ...(config.alarmEmail && { alarmEmail: config.alarmEmail }),
      api: http.api,
      queue: jobs.queue,
      deadLetterQueue: jobs.deadLetterQueue,
      dispatch: dispatch.fn,
      functions: this.functions as Record<string, lambda.IFunction>,
    });

    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the Switchyard API' });
    if (http.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: http.domainName.regionalDomainName,
        description: 'Point a CNAME (or alias) for the custom domain at this name',
      });
    }
    new CfnOutput(this, 'TableName', { value: tables.table.tableName });
    new CfnOutput(this, 'QueueName', { value: jobs.queue.queueName });
    new CfnOutput(this, 'DeadLetterQueueName', { value: jobs.deadLetterQueue.queueName });
    new CfnOutput(this, 'ProviderSecretName', { value: secrets.names.providers });
    new CfnOutput(this, 'StripeSecretName', { value: secrets.names.stripe });
    new CfnOutput(this, 'AdminKeySecretName', { value: secrets.names.adminKey });
    new CfnOutput(this, 'LogsBucketName', { value: runTime.logs.bucketName });
    new CfnOutput(this, 'OutputsBucketName', { value: runTime.outputs.bucketName });
    new CfnOutput(this, 'CheckpointsBucketName', { value: runTime.checkpoints.bucketName });
    new CfnOutput(this, 'SecretsKeyArn', { value: runTime.secretsKey.keyArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: observability.dashboard.dashboardName });
  }
}
