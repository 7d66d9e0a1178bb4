// The one module that owns the logger and the metrics. Powertools Logger writes JSON lines;
// Powertools Metrics writes CloudWatch EMF lines to stdout (CloudWatch turns them into metrics
// on AWS; the embedded stack keeps them in its log file).

import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger, MetricName, Metrics } from '../ports/observability';

export const SERVICE_NAME = 'curtail';
export const METRICS_NAMESPACE = 'Curtail';

export const logger = new PowertoolsLogger({ serviceName: SERVICE_NAME });
export const metrics = new PowertoolsMetrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
});

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

function add(name: MetricName, unit: Unit, value: number, dims?: Record<string, string>) {
  if (!dims || Object.keys(dims).length === 0) {
    metrics.addMetric(name, unit, value);
    return;
  }
  // A dimensioned figure gets its own EMF line so its dimension does not leak onto the
  // other metrics of the same invocation.
  const single = metrics.singleMetric();
  for (const [key, dimValue] of Object.entries(dims)) single.addDimension(key, dimValue);
  single.addMetric(name, unit, value);
}

export const powertoolsMetrics: Metrics = {
  count: (name, value = 1, dims) => add(name, MetricUnit.Count, value, dims),
  milliseconds: (name, value) => add(name, MetricUnit.Milliseconds, value),
  seconds: (name, value) => add(name, MetricUnit.Seconds, value),
};

export const powertoolsLogger: Logger = {
  debug: (message, fields) => logger.debug(message, fields ?? {}),
  info: (message, fields) => logger.info(message, fields ?? {}),
  warn: (message, fields) => logger.warn(message, fields ?? {}),
  error: (message, fields) => logger.error(message, fields ?? {}),
};

/** Writes the buffered metrics; called at the end of every invocation. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
