// Alarms that mean "jobs are not moving" or "customers see errors", an SNS topic they notify
// (optionally e-mailed), and one dashboard with the same signals side by side.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A message older than this means dispatch is stuck or far behind. */
export const OLDEST_MESSAGE_ALARM_SECONDS = 15 * 60;
/** Percentage of API requests answered with 5xx that pages someone. */
export const API_5XX_ALARM_PERCENT = 5;

export interface ObservabilityProps {
  stage: string;
  alarmEmail?: string;
  api: apigw.HttpApi;
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  dispatch: lambda.IFunction;
  /** Every function, by name, for the per-function error and throttle alarms. */
  functions: Record<string, lambda.IFunction>;
}

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const name = (suffix: string): string => `switchyard-${props.stage}-${suffix}`;

    // CloudWatch cannot publish to a topic encrypted with the AWS managed aws/sns key (its
    // policy cannot be changed), so the topic gets a customer key that allows CloudWatch.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Switchyard: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: name('alarms'),
      displayName: `Switchyard ${props.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    const alarm = (id: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, id, {
        // No data means no traffic (SQS stops publishing for idle queues), which is healthy.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      created.addAlarmAction(new cwActions.SnsAction(this.topic));
      created.addOkAction(new cwActions.SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };

    alarm('DlqNotEmpty', {
      alarmName: name('dlq-not-empty'),
      alarmDescription: 'Job messages failed dispatch repeatedly and were dead-lettered. Inspect, fix, then redrive.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    alarm('OldestJobMessage', {
      alarmName: name('jobs-queue-oldest-message'),
      alarmDescription: `A job message has waited more than ${OLDEST_MESSAGE_ALARM_SECONDS / 60} minutes: dispatch is stuck or far behind.`,
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: OLDEST_MESSAGE_ALARM_SECONDS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
    });

    const requests = props.api.metricCount({ period: Duration.minutes(5), statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' });
    // A rate, and only with enough traffic to mean something: one failed request out of
    // three at night should not wake anyone.
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: 'API 5xx (%)',
      period: Duration.minutes(5),
    });
    alarm('Api5xxRate', {
      alarmName: name('api-5xx-rate'),
      alarmDescription: `More than ${API_5XX_ALARM_PERCENT}% of API requests failed with 5xx.`,
      metric: serverErrorRate,
      threshold: API_5XX_ALARM_PERCENT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    for (const [fnName, fn] of Object.entries(props.functions)) {
      const title = fnName[0]?.toUpperCase() + fnName.slice(1);
      alarm(`${title}Errors`, {
        alarmName: name(`${fnName}-errors`),
        alarmDescription: `The ${fnName} function failed invocations (unhandled errors or timeouts).`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      alarm(`${title}Throttles`, {
        alarmName: name(`${fnName}-throttles`),
        alarmDescription: `The ${fnName} function was throttled: account or function concurrency is exhausted.`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: name('overview'),
      defaultInterval: Duration.hours(3),
    });
    const fns = Object.entries(props.functions);
    const perFunction = (label: string, pick: (fn: lambda.IFunction) => cloudwatch.Metric): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({
        title: label,
        width: 8,
        left: fns.map(([fnName, fn]) => pick(fn).with({ label: fnName })),
      });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API requests', width: 8, left: [requests], right: [serverErrorRate] }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        width: 8,
        left: [props.api.metricLatency({ statistic: 'p50' }), props.api.metricLatency({ statistic: 'p99' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'API 4xx / 5xx',
        width: 8,
        left: [props.api.metricClientError({ statistic: 'Sum' }), serverErrors],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Jobs queue',
        width: 8,
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ label: 'visible' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue',
        width: 8,
        left: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'messages' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dispatch duration (ms)',
        width: 8,
        left: [
          props.dispatch.metricDuration({ statistic: 'p50' }),
          props.dispatch.metricDuration({ statistic: 'p99' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      perFunction('Invocations', (fn) => fn.metricInvocations({ statistic: 'Sum' })),
      perFunction('Errors', (fn) => fn.metricErrors({ statistic: 'Sum' })),
      perFunction('Throttles', (fn) => fn.metricThrottles({ statistic: 'Sum' })),
    );
  }
}
