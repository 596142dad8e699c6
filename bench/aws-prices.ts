// AWS list prices the cost bench multiplies counted calls by: us-east-1, on-demand, no free
// tier, no Savings Plans. One place, with where each figure comes from and when it was read.
// Looked up on 2026-12-01 (the `search` docs corpus of this project). Where the AWS page
// renders its rate through a price token that the stored copy does not show, the figure is
// the long-standing published us-east-1 rate and is marked `unconfirmed`: check it against
// the page before quoting the result to anyone who pays the bill.
export const AWS_PRICES = {
  region: 'us-east-1',
  readOn: '2026-12-01',
  dynamodb: {
    /** On-demand, standard table class: one WRU writes up to 1 KB (a transactional write takes 2 per KB). */
    usdPerMillionWriteUnits: 0.625,
    /** One RRU: a strongly consistent read up to 4 KB (eventually consistent: half; transactional: 2). */
    usdPerMillionReadUnits: 0.125,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (unit definitions read there; the rates, halved in Nov 2024, are unconfirmed: the stored page shows them as tokens)',
  },
  sqs: {
    /** Standard queue; each 64 KB chunk of a payload is one request. */
    usdPerMillionRequests: 0.4,
    source: 'https://aws.amazon.com/sqs/pricing/ (unconfirmed: not in the stored corpus; the published standard-queue rate)',
  },
  lambda: {
    usdPerMillionRequests: 0.2,
    /** The stack's functions run on arm64 (infra/constructs/service-function.ts). */
    usdPerGbSecondArm64: 0.0000133334,
    source: 'https://aws.amazon.com/lambda/pricing/ ($0.20 per million requests, as transcribed from that page on 2026-09-20 by api-evangelist/aws-lambda; arm64 $0.0000133334/GB-s as in artillery 2.0.28 lib/platform/aws-lambda/prices.js, which cites the same page)',
  },
  apiGatewayHttp: {
    /** HTTP APIs, first 300 million requests a month; each 512 KB is one request. */
    usdPerMillionRequests: 1.0,
    source: 'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs $1.00/million, from the page\'s pricing example, transcribed 2026-09-20 by api-evangelist/amazon-web-services)',
  },
  eventBridge: {
    /** Scheduled invocations past the 14 million a month EventBridge Scheduler includes; used as an upper bound for the stack's schedule rules. */
    usdPerMillionScheduledInvocations: 1.0,
    source: 'https://aws.amazon.com/eventbridge/pricing/ (AWS price list AWSEvents.csv: first 14M scheduled invocations $0, then $1.25/M in Tokyo; us-east-1 $1.00/M unconfirmed)',
  },
  s3: {
    /** S3 Standard: PUT, COPY, POST, LIST per 1,000 requests; GET and others per 1,000. */
    usdPerThousandPut: 0.005,
    usdPerThousandGet: 0.0004,
    source: 'https://aws.amazon.com/s3/pricing/ (unconfirmed: the stored page shows the request rates as tokens; these are the published S3 Standard us-east-1 rates)',
  },
} as const;

/** Memory of each function in the CDK stack (infra/stack.ts). */
export const FUNCTION_MEMORY_MB = { api: 1024, dispatch: 512, reconcile: 512, webhooks: 512 } as const;
