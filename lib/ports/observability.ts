// Metrics and structured logs as the use cases see them. Metric names are PascalCase;
// dimensions stay low-cardinality (ids belong in log fields, never in dimensions).

export type MetricName =
  | 'ReconcilerTickDuration'
  | 'ReconcilerTickFailed'
  | 'CandidateExcluded'
  | 'MaintenanceOverride'
  | 'CommandsPublished'
  | 'CommandPublishFailed'
  | 'TargetConfirmed'
  | 'TargetRetried'
  | 'TargetFailed'
  | 'StateRaceLost'
  | 'AuditWriteFailed'
  | 'ActiveEvents'
  | 'HeartbeatAgeSeconds'
  | 'ShedKw'
  | 'TelemetrySamplesWritten'
  | 'TelemetrySamplesRejected'
  | 'EventsStarted'
  | 'WorkflowStartFailed';

export interface Metrics {
  count(name: MetricName, value?: number, dimensions?: Record<string, string>): void;
  milliseconds(name: MetricName, value: number): void;
  seconds(name: MetricName, value: number): void;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
