// Powertools Tracer for the worker functions (dispatch, reconcile, webhooks, billing): one
// subsegment per invocation with cold-start and service annotations, and every AWS SDK
// client traced. The api function is left to Lambda's own active-tracing segment: the
// tracer (with aws-xray-sdk-core) adds ~120 KB, which the API's cold start should not pay.
import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer();

/** Every call these SDK clients make becomes a subsegment (DynamoDB, SQS, S3, KMS, Batch …). */
export const traceClients = (...clients: Parameters<Tracer['captureAWSv3Client']>[0][]): void => {
  for (const client of clients) tracer.captureAWSv3Client(client);
};

/** Manual instrumentation (no middy): the pattern the Tracer documents for plain handlers. */
export const withTracing =
  <A extends unknown[], R>(name: string, handler: (...args: A) => Promise<R>, t: Tracer = tracer) =>
  async (...args: A): Promise<R> => {
    const parent = t.getSegment();
    const segment = parent?.addNewSubsegment(`## ${name}`);
    if (segment) t.setSegment(segment);
    t.annotateColdStart();
    t.addServiceNameAnnotation();
    try {
      return await handler(...args);
    } catch (error) {
      t.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      segment?.close();
      if (parent) t.setSegment(parent);
    }
  };
