// Stage options from CDK context: validation, and what the optional ones add to the stack.
// Uses the stand-in handlers: these tests are about the infrastructure, not the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig, type ContextSource } from '../../infra/config.js';
import { BATCH_READ_ACTIONS, JOB_DEFINITION_PREFIX } from '../../infra/constructs/aws-batch-access.js';
import { jobDefinitionNameFor } from '../../src/providers/aws-batch/job-definitions.js';
import { buildApp, FIXTURE_FUNCTIONS_DIR, projectRoot, synthStack, SYNTH_TIMEOUT_MS } from './synth.js';

const JOB_QUEUE = 'arn:aws:batch:us-east-1:111122223333:job-queue/gpu-fallback';

const ctx = (values: Record<string, unknown>): ContextSource => ({ tryGetContext: (key) => values[key] });
const base = { enabledProviders: 'akash, vastai ,runpod', functionsDir: FIXTURE_FUNCTIONS_DIR };

describe('loadStageConfig', () => {
  it('applies defaults and trims the provider list', () => {
    const config = loadStageConfig(ctx(base), projectRoot);
    expect(config).toMatchObject({
      stage: 'dev',
      enabledProviders: ['akash', 'vastai', 'runpod'],
      marginPercent: 15,
      apiThrottle: { rateLimit: 100, burstLimit: 200 },
      dispatchMaxConcurrency: 10,
      logRetentionDays: 30,
      webhooks: true, // auto, and the fixture directory has webhooks.ts
      billing: true, // likewise billing.ts
    });
    expect(config.alarmEmail).toBeUndefined();
    expect(config.customDomain).toBeUndefined();
  });

  it('turns the USDC options into the environment the money code reads', () => {
    const config = loadStageConfig(
      ctx({
        ...base,
        usdcSolanaRpcUrl: 'https://api.mainnet-beta.solana.com',
        usdcSolanaTreasury: 'Treasury1111111111111111111111111111111111',
        usdcBaseConfirmations: '12',
        usdcPayouts: { akash: { chain: 'solana', address: 'Payee111' } },
      }),
      projectRoot,
    );
    expect(config.usdcEnvironment).toEqual({
      USDC_SOLANA_RPC_URL: 'https://api.mainnet-beta.solana.com',
      USDC_SOLANA_TREASURY: 'Treasury1111111111111111111111111111111111',
      USDC_BASE_CONFIRMATIONS: '12',
      USDC_PAYOUTS: '{"akash":{"chain":"solana","address":"Payee111"}}',
    });
    expect(loadStageConfig(ctx(base), projectRoot).usdcEnvironment).toEqual({});
  });

  it('reads numbers given as strings on the command line', () => {
    const config = loadStageConfig(ctx({ ...base, marginPercent: '22.5', dispatchMaxConcurrency: '4' }), projectRoot);
    expect(config.marginPercent).toBe(22.5);
    expect(config.dispatchMaxConcurrency).toBe(4);
  });

  it.each([
    [{ stage: 'Prod!' }, /stage/],
    [{ enabledProviders: ' , ' }, /enabledProviders/],
    [{ marginPercent: 'lots' }, /marginPercent/],
    [{ marginPercent: '12.345' }, /basis points/],
    [{ dispatchMaxConcurrency: 1 }, /dispatchMaxConcurrency/], // SQS event sources need at least 2
    [{ alarmEmail: 'not-an-address' }, /alarmEmail/],
    [{ domainName: 'api.example.com' }, /certificateArn/],
    [{ logRetentionDays: 42 }, /logRetentionDays/],
    [{ billing: 'maybe' }, /billing/],
    [{ webhooks: 'yes' }, /webhooks/],
    [{ usdcSolanaRpcUrl: 'https://api.mainnet-beta.solana.com' }, /together/],
    [{ usdcBaseRpcUrl: 'http://rpc.example', usdcBaseTreasury: '0xabc' }, /https/],
    [{ usdcBaseConfirmations: 'many' }, /usdcBaseConfirmations/],
    [{ usdcPayouts: '[1]' }, /usdcPayouts/],
    [{ awsBatchJobQueueArns: 'gpu-fallback' }, /job queue ARN/],
    [{ awsBatchJobQueueArns: JOB_QUEUE }, /aws-batch/], // queue given, provider not enabled
  ])('rejects %j', (override, message) => {
    expect(() => loadStageConfig(ctx({ ...base, ...override }), projectRoot)).toThrow(message);
  });

  it('turns billing and webhooks on or off explicitly, and off automatically when the handler is missing', () => {
    expect(loadStageConfig(ctx({ ...base, billing: 'false' }), projectRoot).billing).toBe(false);
    expect(loadStageConfig(ctx({ ...base, billing: true }), projectRoot).billing).toBe(true);
    expect(loadStageConfig(ctx({ ...base, functionsDir: 'test/infra' }), projectRoot)).toMatchObject({
      billing: false,
      webhooks: false,
    });
    expect(loadStageConfig(ctx({ ...base, webhooks: 'false' }), projectRoot).webhooks).toBe(false);
  });
});

describe('a production stage with every option', () => {
  let template: Template;
  let nagReport: { pluginReports: { violations?: unknown[] }[] };
  beforeAll(() => {
    // With cdk-nag, so that the acknowledgments only these options need are checked too.
    const { app, stack } = buildApp(
      {
        ...base,
        enabledProviders: 'akash,vastai,aws-batch',
        awsBatchJobQueueArns: JOB_QUEUE,
        stage: 'prod',
        alarmEmail: 'oncall@example.com',
        domainName: 'api.switchyard.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0b0b0b0b-1111-2222-3333-444455556666',
        marginPercent: 20,
        apiRateLimit: 500,
        apiBurstLimit: 1000,
        dispatchMaxConcurrency: 50,
        logRetentionDays: 365,
        billing: 'true',
        usdcBaseRpcUrl: 'https://mainnet.base.org',
        usdcBaseTreasury: '0x00000000000000000000000000000000000000b0',
      },
      { withNag: true },
    );
    const assembly = app.synth();
    nagReport = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    template = Template.fromStack(stack);
  }, SYNTH_TIMEOUT_MS);

  it('passes cdk-nag with nothing left unacknowledged', () => {
    expect(nagReport.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('names everything after the stage', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'switchyard-prod' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'switchyard-prod-jobs' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'switchyard-prod-api',
      Environment: { Variables: Match.objectLike({ STAGE: 'prod', MARGIN_PERCENT: '20', MARGIN_BPS: '2000' }) },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'switchyard/prod/stripe' });
  });

  it('gives the USDC settings to the payments function only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'switchyard-prod-payments',
      Environment: { Variables: Match.objectLike({ USDC_BASE_RPC_URL: 'https://mainnet.base.org' }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'switchyard-prod-api',
      Environment: { Variables: Match.objectLike({ USDC_BASE_RPC_URL: Match.absent() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'switchyard-prod-dispatch',
      Environment: { Variables: Match.objectLike({ USDC_BASE_RPC_URL: Match.absent() }) },
    });
  });

  it('e-mails alarms', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('serves the API on the custom domain only', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.switchyard.example.com',
      DomainNameConfigurations: [Match.objectLike({ SecurityPolicy: 'TLS_1_2', EndpointType: 'REGIONAL' })],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    template.hasOutput('ApiUrl', { Value: 'https://api.switchyard.example.com/' });
    template.hasOutput('CustomDomainTarget', {});
  });

  it('applies the throttling, concurrency and retention options', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 50 } });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/switchyard-prod-dispatch',
      RetentionInDays: 365,
    });
  });

  it('deploys the billing run on its monthly schedule', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'switchyard-prod-billing' });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 2 1 * ? *)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 } })],
    });
  });

  it('lets dispatch and reconcile (only) use the configured AWS Batch queue, with their own roles', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map(
      (p) => (p as { Properties: { PolicyName: string; PolicyDocument: { Statement: Record<string, any>[] } } }).Properties,
    );
    const batch = (name: string) =>
      policies.find((p) => p.PolicyName.startsWith(name))!.PolicyDocument.Statement.filter((st) =>
        JSON.stringify(st.Action).includes('batch:'),
      );
    for (const fn of ['Dispatch', 'Reconcile']) {
      const statements = batch(fn);
      const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
      expect(Object.keys(bySid).sort()).toEqual([
        'BatchCancelJobs', 'BatchRead', 'BatchRegisterOwnJobDefinitions', 'BatchSubmitToConfiguredQueues', 'BatchTagOnCreate',
      ]);
      expect(bySid.BatchSubmitToConfiguredQueues!.Resource[0]).toBe(JOB_QUEUE);
      expect(JSON.stringify(bySid.BatchSubmitToConfiguredQueues!.Resource[1])).toContain(`:job-definition/${JOB_DEFINITION_PREFIX}*`);
      expect([...bySid.BatchRead!.Action].sort()).toEqual([...BATCH_READ_ACTIONS].sort());
      expect(bySid.BatchRead!.Resource).toBe('*');
    }
    expect(batch('Api')).toEqual([]);
    expect(batch('Billing')).toEqual([]);
  });

  it('scopes job definitions with the prefix the AWS Batch adapter really uses', () => {
    expect(jobDefinitionNameFor('ghcr.io/acme/train:1').startsWith(JOB_DEFINITION_PREFIX)).toBe(true);
  });
});

describe('a stage without billing', () => {
  it('has no billing function, schedule or alarms', () => {
    const template = synthStack({ ...base, billing: 'false' }).template;
    template.resourceCountIs('AWS::Lambda::Function', 5); // api, payments, dispatch, reconcile, webhooks
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(2);
    const alarmNames = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: { AlarmName: string } }).Properties.AlarmName,
    );
    expect(alarmNames.filter((n) => n.includes('billing'))).toEqual([]);
  }, SYNTH_TIMEOUT_MS);
});
