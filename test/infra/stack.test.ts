// The production stack, synthesized once with the real handlers in functions/: each resource
// and the properties that matter for correctness, security and operations.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GSI, TABLE_KEYS, TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/table-design.js';
import { MAX_RECEIVE_COUNT } from '../../infra/constructs/job-queue.js';
import { DISPATCH_BATCH_SIZE } from '../../infra/stack.js';
import { DEFAULT_BID_WAIT_MS } from '../../src/providers/akash/akash-provider.js';
import { PAYMENT_PATHS } from '../../src/api/groups/payment-paths.js';
import {
  functionNamed as fnNamed,
  logicalIdOf as idOf,
  FUNCTIONS,
  hasHandler,
  resourcesOf,
  synthStack,
  SYNTH_TIMEOUT_MS,
} from './synth.js';

const billingExists = hasHandler('billing');

let template: Template;
beforeAll(() => {
  template = synthStack().template;
}, SYNTH_TIMEOUT_MS);

const functionNamed = (name: string) => fnNamed(template, name);
const logicalIdOf = (type: string, props: Record<string, unknown>): string => idOf(template, type, props);

describe('DynamoDB table', () => {
  it('follows the single-table design in src/adapters/dynamodb/table-design.ts', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'switchyard-dev',
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Object.values(GSI).map((index) =>
        Match.objectLike({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ),
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is on-demand, recoverable, protected from deletion and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('jobs queue', () => {
  it('dead-letters after a set number of receives, encrypted', () => {
    const dlq = logicalIdOf('AWS::SQS::Queue', { QueueName: 'switchyard-dev-jobs-dlq' });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'switchyard-dev-jobs',
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'switchyard-dev-jobs-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('has a visibility timeout of at least six dispatch timeouts', () => {
    const dispatchTimeout = functionNamed('dispatch').props.Timeout as number;
    const queue = Object.values(resourcesOf(template, 'AWS::SQS::Queue')).find(
      (q) => q.Properties.QueueName === 'switchyard-dev-jobs',
    );
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * dispatchTimeout);
  });

  it('gives a dispatch time for an Akash launch that waits out its whole bid window, with room for another offer', () => {
    const dispatchTimeout = functionNamed('dispatch').props.Timeout as number;
    expect(dispatchTimeout * 1000).toBeGreaterThanOrEqual(1.5 * DEFAULT_BID_WAIT_MS);
  });

  it('refuses requests without TLS, on both queues', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      });
    }
  });
});

describe('dispatch event source', () => {
  it('reports partial batch failures, with a batch size and a concurrency cap', () => {
    const queue = logicalIdOf('AWS::SQS::Queue', { QueueName: 'switchyard-dev-jobs' });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: functionNamed('dispatch').id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: DISPATCH_BATCH_SIZE,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('Lambda functions', () => {
  it('deploys exactly the expected handlers', () => {
    template.resourceCountIs('AWS::Lambda::Function', FUNCTIONS.length);
  });

  it.each(FUNCTIONS)('%s: nodejs22.x on arm64, traced, JSON logs to its own log group', (name) => {
    const { props } = functionNamed(name);
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
    });
    const logGroup = props.LoggingConfig.LogGroup.Ref as string;
    expect(template.toJSON().Resources[logGroup].Properties).toMatchObject({
      LogGroupName: `/aws/lambda/switchyard-dev-${name}`,
      RetentionInDays: 30,
    });
  });

  it.each(FUNCTIONS)('%s: Powertools settings and secret ARNs (never values) in the environment', (name) => {
    const env = functionNamed(name).props.Environment.Variables as Record<string, unknown>;
    expect(env).toMatchObject({
      STAGE: 'dev',
      POWERTOOLS_SERVICE_NAME: `switchyard-${name}`,
      POWERTOOLS_METRICS_NAMESPACE: 'Switchyard',
      TABLE_NAME: { Ref: expect.any(String) },
      MARGIN_PERCENT: '15',
      MARGIN_BPS: '1500',
      ENABLED_PROVIDERS: expect.any(String),
    });
    for (const [key, value] of Object.entries(env)) {
      if (key.endsWith('_SECRET_ARN') || key.endsWith('_SECRETS_ARN')) {
        const ref = (value as { Ref: string }).Ref;
        expect(template.toJSON().Resources[ref].Type, key).toBe('AWS::SecretsManager::Secret');
      }
    }
  });

  it('gives each function exactly the secrets it uses', () => {
    const secrets = (name: string): string[] =>
      Object.keys(functionNamed(name).props.Environment.Variables).filter((k) => /_SECRETS?_ARN$/.test(k)).sort();
    expect(secrets('api')).toEqual(['ADMIN_KEY_SECRET_ARN', 'AGENT_TOKEN_KEY_SECRET_ARN', 'PROVIDER_SECRETS_ARN']);
    expect(secrets('payments')).toEqual(['ADMIN_KEY_SECRET_ARN', 'STRIPE_SECRET_ARN']);
    expect(secrets('dispatch')).toEqual(['AGENT_TOKEN_KEY_SECRET_ARN', 'PROVIDER_SECRETS_ARN']);
    expect(secrets('reconcile')).toEqual(['AGENT_TOKEN_KEY_SECRET_ARN', 'PROVIDER_SECRETS_ARN']);
    expect(secrets('webhooks')).toEqual([]);
    expect(secrets('billing')).toEqual(['STRIPE_SECRET_ARN']);
  });

  it.each(FUNCTIONS)('%s: knows the jobs queue URL (the shared runtime builds its client at load)', (name) => {
    const queue = logicalIdOf('AWS::SQS::Queue', { QueueName: 'switchyard-dev-jobs' });
    expect(functionNamed(name).props.Environment.Variables.QUEUE_URL).toEqual({ Ref: queue });
  });
});

describe('HTTP API', () => {
  // Route key -> the function its integration invokes.
  const routeTargets = (): Record<string, string> => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
    return Object.fromEntries(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
        .map((r) => {
          // Target: integrations/<integration id>, as { 'Fn::Join': ['', ['integrations/', { Ref }]] }.
          const parts = r.Properties.Target['Fn::Join'][1] as unknown[];
          const ref = parts.find((part): part is { Ref: string } => typeof part === 'object' && part !== null && 'Ref' in part)!.Ref;
          const integration = resources[ref];
          const fn = integration!.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
          return [r.Properties.RouteKey as string, fn];
        }),
    );
  };

  it('routes everything but the payment paths to the api function, with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', Name: 'switchyard-dev' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionNamed('api').id, 'Arn'] },
    });
    expect(routeTargets()['$default']).toBe(functionNamed('api').id);
  });

  it('routes the Stripe webhook and the USDC paths, any method, to the payments function', () => {
    const payments = functionNamed('payments').id;
    const expected = Object.fromEntries(PAYMENT_PATHS.map((path) => [`ANY ${path}`, payments]));
    expect(routeTargets()).toEqual({ $default: functionNamed('api').id, ...expected });
    expect(PAYMENT_PATHS).toEqual(expect.arrayContaining(['/v1/webhooks/stripe', '/v1/payments/usdc', '/v1/admin/billing/payouts/usdc']));
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [payments, 'Arn'] },
    });
  });

  it('throttles and writes JSON access logs from the $default stage', () => {
    const accessLogs = logicalIdOf('AWS::Logs::LogGroup', { LogGroupName: '/aws/apigateway/switchyard-dev' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [accessLogs, 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });
});

describe('schedules', () => {
  it('runs the reconciler every minute without piling up retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionNamed('reconcile').id, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
  });

  it('delivers webhooks every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'switchyard-dev-webhooks',
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionNamed('webhooks').id, 'Arn'] } })],
    });
  });

  it(`${billingExists ? 'runs' : 'does not yet run'} the monthly billing run`, () => {
    const monthly = template.findResources('AWS::Events::Rule', {
      Properties: { ScheduleExpression: 'cron(0 2 1 * ? *)' },
    });
    expect(Object.keys(monthly)).toHaveLength(billingExists ? 1 : 0);
  });
});

describe('secrets', () => {
  it('creates the provider, Stripe, admin and agent token secrets without putting any value in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 4);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'switchyard/dev/providers', SecretString: '{}' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'switchyard/dev/stripe', SecretString: '{}' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'switchyard/dev/admin-key',
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
      SecretString: Match.absent(),
    });
  });
});

describe('observability', () => {
  const alarm = (name: string): Record<string, any> => {
    const found = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.AlarmName === `switchyard-dev-${name}`,
    );
    expect(found, `alarm ${name}`).toBeDefined();
    return found!.Properties;
  };

  it('sends every alarm and recovery to one encrypted, TLS-only SNS topic', () => {
    const topic = logicalIdOf('AWS::SNS::Topic', { TopicName: 'switchyard-dev-alarms' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const a of Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topic }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0); // no alarmEmail in cdk.json
  });

  it('alarms when the DLQ is not empty and when a job message gets old', () => {
    expect(alarm('dlq-not-empty')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.any(String), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const dlq = logicalIdOf('AWS::SQS::Queue', { QueueName: 'switchyard-dev-jobs-dlq' });
    expect(alarm('dlq-not-empty').Dimensions[0].Value['Fn::GetAtt'][0]).toBe(dlq);
    expect(alarm('jobs-queue-oldest-message')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 900,
    });
  });

  it('alarms on the API 5xx rate, not on single errors', () => {
    const props = alarm('api-5xx-rate');
    expect(props.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Expression: 'IF(requests >= 20, 100 * errors / requests, 0)' }),
        expect.objectContaining({ Id: 'errors', MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ MetricName: '5xx' }) }) }),
      ]),
    );
    expect(props.Threshold).toBe(5);
  });

  it.each(FUNCTIONS)('alarms on %s errors and throttles', (name) => {
    const { id } = functionNamed(name);
    for (const [suffix, metric] of [['errors', 'Errors'], ['throttles', 'Throttles']] as const) {
      expect(alarm(`${name}-${suffix}`)).toMatchObject({
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        Threshold: 0,
      });
    }
  });

  it('has a dashboard', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'switchyard-dev-overview' });
  });
});

describe('outputs', () => {
  it('exports the API URL, table and queue names', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'TableName', 'QueueName', 'DeadLetterQueueName']));
    template.hasOutput('QueueName', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'QueueName'] } });
    template.hasOutput('TableName', { Value: { Ref: Match.anyValue() } });
  });
});
