// Alarms and dashboard: the heartbeat pair with the design's thresholds (missing data breaches),
// errors and throttles of every function, workflow and table alarms, all to the alarm topic.

import { describe, expect, it } from 'vitest';
import { entryFunctions, flat, type Json, resources, templates } from './support';

const alarms = resources(templates().stateless, 'AWS::CloudWatch::Alarm');
const byName = (name: string) => alarms.find((a) => a.props.AlarmName === name)?.props ?? {};
const topic = 'arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:curtail-dev-alarms';
const curtailMetric = (name: string) => ({
  Namespace: 'Curtail',
  MetricName: name,
  Dimensions: [{ Name: 'service', Value: 'curtail' }],
});

interface MetricQuery {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: Json; Stat: string; Period: number };
}

describe('heartbeat alarms', () => {
  it('warn past 120 s of heartbeat age while events are live', () => {
    const warn = byName('curtail-dev-heartbeat-warn');
    expect(warn).toMatchObject({
      Threshold: 120,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
    const queries = warn.Metrics as MetricQuery[];
    const expression = queries.find((q) => q.Expression);
    expect(expression?.Expression).toBe('IF(FILL(active, 0) > 0, age, 0)');
    const metricOf = (id: string) => queries.find((q) => q.Id === id)?.MetricStat?.Metric;
    expect(metricOf('age')).toEqual(curtailMetric('HeartbeatAgeSeconds'));
    expect(metricOf('active')).toEqual(curtailMetric('ActiveEvents'));
  });

  it('page past 300 s regardless of live events', () => {
    const page = byName('curtail-dev-heartbeat-page');
    expect(page).toMatchObject({
      ...curtailMetric('HeartbeatAgeSeconds'),
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('also tell the topic when they clear', () => {
    for (const name of ['curtail-dev-heartbeat-warn', 'curtail-dev-heartbeat-page']) {
      expect((byName(name).OKActions as unknown[]).map(flat)).toEqual([topic]);
    }
  });
});

describe('service alarms', () => {
  it.each([...entryFunctions(templates().stateless).entries()])(
    '%s alarms on errors and throttles',
    (_entry, fn) => {
      for (const metric of ['Errors', 'Throttles']) {
        const alarm = alarms.find(
          (a) =>
            a.props.MetricName === metric &&
            (a.props.Dimensions as Json[])[0]?.Value !== undefined &&
            flat((a.props.Dimensions as Json[])[0]?.Value) === `<${fn.id}>`,
        );
        expect(alarm?.props).toMatchObject({
          Namespace: 'AWS/Lambda',
          Threshold: 0,
          Statistic: 'Sum',
        });
      }
    },
  );

  it('cover failed, timed-out and throttled workflow executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled']) {
      const alarm = alarms.find((a) => a.props.MetricName === metric);
      expect(alarm?.props).toMatchObject({ Namespace: 'AWS/States', Threshold: 0 });
    }
  });

  it('cover table throttling and API 5xx', () => {
    const table = byName('curtail-dev-table-throttles');
    const queries = (table.Metrics ?? []) as MetricQuery[];
    const metrics = queries.flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : []));
    expect(metrics.map((m) => m.MetricName).sort()).toEqual([
      'ReadThrottleEvents',
      'WriteThrottleEvents',
    ]);
    expect(byName('curtail-dev-api-5xx')).toMatchObject({ MetricName: '5xx', Threshold: 4 });
  });

  it('all notify the alarm topic', () => {
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(
        (alarm.props.AlarmActions as unknown[]).map(flat),
        String(alarm.props.AlarmName),
      ).toEqual([topic]);
    }
  });
});

describe('the dashboard', () => {
  it('shows shed kW, live events, commands, confirmations and heartbeat age', () => {
    const [dashboard] = resources(templates().stateless, 'AWS::CloudWatch::Dashboard');
    expect(dashboard?.props.DashboardName).toBe('curtail-dev');
    const body = JSON.stringify(dashboard?.props.DashboardBody);
    for (const metric of [
      'ShedKw',
      'ActiveEvents',
      'CommandsPublished',
      'TargetConfirmed',
      'HeartbeatAgeSeconds',
    ]) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
  });
});
