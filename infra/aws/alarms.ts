// The alarms, all to the stateful stack's SNS topic: the heartbeat pair from the design (warn
// past 2 minutes while events are live, page past 5 minutes regardless; missing data breaches),
// and errors and throttling of every function, the workflow, the table and the API.

import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CurtailSettings, ResourceNames } from './config';
import type { Entry } from './entries';

export const HEARTBEAT_WARN_SECONDS = 120;
export const HEARTBEAT_PAGE_SECONDS = 300;
/** Powertools Metrics adds `service` as the default dimension of every metric. */
export const METRIC_DIMENSIONS = { service: 'curtail' };

export function curtailMetric(metricName: string, statistic = 'Maximum', minutes = 1): Metric {
  return new Metric({
    namespace: 'Curtail',
    metricName,
    dimensionsMap: METRIC_DIMENSIONS,
    statistic,
    period: Duration.minutes(minutes),
  });
}

export interface CurtailAlarmsProps {
  settings: CurtailSettings;
  names: ResourceNames;
  alarmTopicArn: string;
  functions: { entry: Entry; fn: IFunction }[];
  stateMachine: StateMachine;
  api: HttpApi;
}

export class CurtailAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly action: IAlarmAction;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: CurtailAlarmsProps) {
    super(scope, id);
    this.prefix = props.settings.prefix;
    this.action = new SnsAction(Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn));

    const age = curtailMetric('HeartbeatAgeSeconds');
    const active = curtailMetric('ActiveEvents');
    // With no live event the expression is 0; with live events it is the age, and a missing
    // age stays missing, which counts as breaching.
    const ageWhileActive = new MathExpression({
      expression: 'IF(FILL(active, 0) > 0, age, 0)',
      usingMetrics: { age, active },
      label: 'Heartbeat age while events are live',
      period: Duration.minutes(1),
    });
    this.add('heartbeat-warn', ageWhileActive, HEARTBEAT_WARN_SECONDS, {
      description: 'The reconciler sweep has not ticked for 2 minutes while events are live.',
      missing: TreatMissingData.BREACHING,
      periods: 2,
      ok: true,
    });
    this.add('heartbeat-page', age, HEARTBEAT_PAGE_SECONDS, {
      description: 'PAGE: the reconciler sweep has not ticked for 5 minutes (or no heartbeat).',
      missing: TreatMissingData.BREACHING,
      periods: 2,
      ok: true,
    });

    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    for (const { entry, fn } of props.functions) {
      this.add(`${entry.slug}-errors`, fn.metricErrors(fiveMinutes), 0, {
        description: `${entry.entry} threw or timed out.`,
      });
      this.add(`${entry.slug}-throttles`, fn.metricThrottles(fiveMinutes), 0, {
        description: `${entry.entry} was throttled (account concurrency exhausted).`,
      });
    }
    const machine = props.stateMachine;
    this.add('workflow-failed', machine.metricFailed(fiveMinutes), 0, {
      description: 'An event workflow execution failed; the sweep resumes it from the table.',
    });
    this.add('workflow-timed-out', machine.metricTimedOut(fiveMinutes), 0, {
      description: 'An event workflow execution timed out.',
    });
    this.add('workflow-throttled', machine.metricThrottled(fiveMinutes), 0, {
      description: 'Step Functions throttled the event workflow.',
    });
    const tableMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.names.table },
        ...fiveMinutes,
      });
    const tableThrottles = new MathExpression({
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      usingMetrics: {
        reads: tableMetric('ReadThrottleEvents'),
        writes: tableMetric('WriteThrottleEvents'),
      },
      label: 'Table throttle events',
      period: Duration.minutes(5),
    });
    this.add('table-throttles', tableThrottles, 0, {
      description: 'DynamoDB throttled reads or writes (a hot partition or an account limit).',
    });
    this.add('api-5xx', props.api.metricServerError(fiveMinutes), 4, {
      description: 'The HTTP API answered 5xx at least 5 times in 5 minutes.',
    });
  }

  private add(
    name: string,
    metric: IMetric,
    threshold: number,
    options: { description: string; missing?: TreatMissingData; periods?: number; ok?: boolean },
  ) {
    const periods = options.periods ?? 1;
    const alarm = new Alarm(this, name, {
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: options.description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    if (options.ok) alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}
