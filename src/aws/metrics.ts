// Powertools Metrics for every function: the job path's business metrics (MeteredJobStore)
// as CloudWatch EMF, flushed once per invocation by `withMetrics`. 15 KB bundled, so the
// api function carries it too.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { JobMetricsSink } from '../observability/metered-job-store.js';

/** Namespace "Switchyard"; the service (POWERTOOLS_SERVICE_NAME, set per function by CDK) is the dimension. */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Switchyard' });

export const powertoolsJobMetrics = (m: Metrics = metrics): JobMetricsSink => ({
  count: (name) => m.addMetric(name, MetricUnit.Count, 1),
  latencyMs: (name, ms) => m.addMetric(name, MetricUnit.Milliseconds, Math.max(0, ms)),
});

/** Publishes what the invocation recorded (also after a throw), plus the cold-start metric. */
export const withMetrics =
  <A extends unknown[], R>(handler: (...args: A) => Promise<R>, m: Metrics = metrics) =>
  async (...args: A): Promise<R> => {
    m.captureColdStartMetric();
    try {
      return await handler(...args);
    } finally {
      // Most API requests record nothing; publishing then would only log a warning.
      if (m.hasStoredMetrics()) m.publishStoredMetrics();
    }
  };
