// The operations dashboard: what is shed now, what the workflows are doing, whether the
// reconciler is alive, and every alarm's state at a glance.

import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type GraphWidgetProps,
  type IMetric,
  type IWidget,
  Shading,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { curtailMetric, HEARTBEAT_PAGE_SECONDS, HEARTBEAT_WARN_SECONDS } from './alarms';
import type { ResourceNames } from './config';

export interface CurtailDashboardProps {
  names: ResourceNames;
  alarms: Alarm[];
  functions: { label: string; fn: IFunction }[];
  stateMachine: StateMachine;
  api: HttpApi;
}

const graph = (title: string, left: IMetric[], extra: Partial<GraphWidgetProps> = {}) =>
  new GraphWidget({ title, left, width: 8, height: 6, ...extra });

export class CurtailDashboard extends Construct {
  constructor(scope: Construct, id: string, props: CurtailDashboardProps) {
    super(scope, id);
    const oneMinuteSum = (name: string) => curtailMetric(name, 'Sum');
    const machine = props.stateMachine;
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    const rows: IWidget[][] = [
      [
        graph('Shed kW', [curtailMetric('ShedKw').with({ label: 'shed kW (max per minute)' })]),
        graph('Live events', [curtailMetric('ActiveEvents').with({ label: 'live events' })]),
        graph('Reconciler heartbeat age (s)', [curtailMetric('HeartbeatAgeSeconds')], {
          leftAnnotations: [
            { value: HEARTBEAT_WARN_SECONDS, label: 'warn', fill: Shading.ABOVE },
            { value: HEARTBEAT_PAGE_SECONDS, label: 'page', color: '#d62728' },
          ],
        }),
      ],
      [
        graph('Commands published / failed', [
          oneMinuteSum('CommandsPublished'),
          oneMinuteSum('CommandPublishFailed'),
        ]),
        graph('Targets confirmed / retried / failed', [
          oneMinuteSum('TargetConfirmed'),
          oneMinuteSum('TargetRetried'),
          oneMinuteSum('TargetFailed'),
        ]),
        graph('Races lost, audit and telemetry', [
          oneMinuteSum('StateRaceLost'),
          oneMinuteSum('AuditWriteFailed'),
          oneMinuteSum('TelemetrySamplesRejected'),
        ]),
      ],
      [
        new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 8, height: 6 }),
        graph('Workflow executions', [
          machine.metricStarted(fiveMinutes),
          machine.metricSucceeded(fiveMinutes),
          machine.metricFailed(fiveMinutes),
          machine.metricAborted(fiveMinutes),
        ]),
        graph('API requests and errors', [
          props.api.metricCount(fiveMinutes),
          props.api.metricClientError(fiveMinutes),
          props.api.metricServerError(fiveMinutes),
        ]),
      ],
      [
        new GraphWidget({
          title: 'Lambda errors by function',
          left: props.functions.map(({ label, fn }) => fn.metricErrors({ ...fiveMinutes, label })),
          width: 24,
          height: 6,
        }),
      ],
    ];
    new Dashboard(this, 'Dashboard', {
      dashboardName: props.names.dashboard,
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });
  }
}
