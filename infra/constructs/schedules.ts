// EventBridge schedules: the reconciler and webhook delivery every minute, and the billing
// run once a month.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface SchedulesProps {
  stage: string;
  reconcile: lambda.IFunction;
  /** Invocations sharing each pass (default 1): target k gets the event { shard: k, shards }. */
  reconcileShards?: number;
  webhooks?: lambda.IFunction;
  billing?: lambda.IFunction;
}

export class Schedules extends Construct {
  readonly reconcileRule: events.Rule;
  readonly webhooksRule?: events.Rule;
  readonly billingRule?: events.Rule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);

    const shards = props.reconcileShards ?? 1;
    this.reconcileRule = new events.Rule(this, 'Reconcile', {
      ruleName: `switchyard-${props.stage}-reconcile`,
      description: 'Switchyard: poll attempts, time out, fail over, meter usage, re-enqueue orphans',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: Array.from({ length: shards }, (_, shard) =>
        new targets.LambdaFunction(props.reconcile, {
          // A missed tick is not worth retrying: the next one is a minute away and does the
          // same work, so retries would only pile up overlapping passes.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
          ...(shards > 1 ? { event: events.RuleTargetInput.fromObject({ shard, shards }) } : {}),
        }),
      ),
    });

    if (props.webhooks) {
      this.webhooksRule = new events.Rule(this, 'Webhooks', {
        ruleName: `switchyard-${props.stage}-webhooks`,
        description: 'Switchyard: deliver due webhook callbacks (retries and backoff live in the outbox)',
        schedule: events.Schedule.rate(Duration.minutes(1)),
        // As for the reconciler: the outbox keeps what is due, so the next tick catches up.
        targets: [new targets.LambdaFunction(props.webhooks, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
      });
    }

    if (props.billing) {
      this.billingRule = new events.Rule(this, 'Billing', {
        ruleName: `switchyard-${props.stage}-billing`,
        description: 'Switchyard: monthly invoices for the previous calendar month (UTC)',
        // 02:00 UTC on the 1st: the month is closed and late usage from the last
        // reconcile passes has been metered.
        schedule: events.Schedule.cron({ minute: '0', hour: '2', day: '1' }),
        targets: [
          new targets.LambdaFunction(props.billing, {
            // The billing run is idempotent (one invoice per tenant and month), so a retry
            // after a transient failure is safe and better than waiting a month.
            retryAttempts: 2,
            maxEventAge: Duration.hours(2),
          }),
        ],
      });
    }
  }
}
