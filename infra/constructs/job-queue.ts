// The jobs queue ("look at job X") and its dead-letter queue. The job record in DynamoDB is
// the source of truth, so a message that keeps failing is parked in the DLQ (and alarms)
// instead of being retried forever; the reconciler will find the job again regardless.
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Receives before a message moves to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;

export interface JobQueueProps {
  stage: string;
  /**
   * Timeout of the function that consumes the queue. AWS guidance: the visibility timeout
   * should be at least six times the function timeout (plus any batching window), so that
   * a message is not handed to a second poller while throttled retries of the first are
   * still running.
   */
  consumerTimeout: Duration;
  /** The event source's maximum batching window, added on top of the six timeouts. */
  batchingWindow: Duration;
}

export class JobQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `switchyard-${props.stage}-jobs-dlq`,
      // The longest SQS allows: time to inspect and redrive after an incident.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `switchyard-${props.stage}-jobs`,
      visibilityTimeout: Duration.seconds(
        props.consumerTimeout.toSeconds() * 6 + props.batchingWindow.toSeconds(),
      ),
      retentionPeriod: Duration.days(4),
      // SSE-SQS rather than a customer key: producers and consumers need no KMS permissions,
      // and the payload is only a job id.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
