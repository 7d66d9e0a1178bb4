// The stack that can be replaced at will: the functions of every manifest entry, the HTTP API,
// the event workflow, the schedules, the IoT rule and policies, alarms and the dashboard.

import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { TELEMETRY_ENTRY } from '../manifest';
import { CurtailAlarms } from './alarms';
import { CurtailApi } from './api';
import { type CurtailSettings, resourceNames } from './config';
import { CurtailDashboard } from './dashboard';
import { DevicePolicies } from './device-policies';
import {
  deployableEntries,
  type Entry,
  scheduledTasks,
  signalWorkerEntry,
  slugOf,
} from './entries';
import { CurtailFunction } from './function';
import { iotDataEndpoint, TelemetryRule } from './iot';
import { resourceArns } from './permissions';
import { EventWorkflow } from './workflow';

export interface StatelessStackProps extends StackProps {
  settings: CurtailSettings;
}

export class StatelessStack extends Stack {
  /** Every deployed entry point with its function, in manifest order. */
  readonly functions: { entry: Entry; fn: IFunction }[] = [];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const names = resourceNames(settings);
    const worker = signalWorkerEntry();
    const workerName = worker ? `${settings.prefix}-${slugOf(worker)}` : undefined;
    const arns = resourceArns(this, names, workerName);

    // Names and ARNs come from the fixed names, not from references: the state machine needs
    // the functions and the functions need its ARN.
    const environment = {
      TABLE_NAME: names.table,
      COMMAND_TRANSPORT: 'iot',
      IOT_DATA_ENDPOINT: iotDataEndpoint(this, settings),
      STATE_MACHINE_ARN: arns.stateMachine,
      // lib/adapters/secrets-manager-vault.ts names secrets `${prefix}/{orgId}/{sourceId}`.
      SECRETS_PREFIX: names.sourceSecretPrefix.replace(/\/$/, ''),
      ...(workerName ? { SIGNAL_WORKER_FUNCTION: workerName } : {}),
      POWERTOOLS_SERVICE_NAME: 'curtail',
      POWERTOOLS_METRICS_NAMESPACE: 'Curtail',
    };
    const byEntry = new Map<string, IFunction>();
    for (const entry of deployableEntries()) {
      const { fn } = new CurtailFunction(this, `Fn-${entry.slug}`, {
        settings,
        entry,
        arns,
        environment,
        workerDeployed: worker !== undefined,
      });
      byEntry.set(entry.entry, fn);
      this.functions.push({ entry, fn });
    }
    const lookup = (entry: string) => {
      const fn = byEntry.get(entry);
      if (!fn) throw new Error(`no function for ${entry}`);
      return fn;
    };

    const api = new CurtailApi(this, 'Http', { settings, names, functions: byEntry });
    const workflow = new EventWorkflow(this, 'Workflow', {
      settings,
      names,
      arns,
      functions: byEntry,
    });
    for (const task of scheduledTasks()) {
      new Rule(this, `Schedule-${task.name}`, {
        ruleName: `${settings.prefix}-${task.name}`,
        description: `curtail ${task.entry} on ${task.schedule}`,
        schedule: Schedule.expression(task.schedule),
        // One attempt: the next tick a minute later is the retry.
        targets: [new LambdaFunction(lookup(task.entry), { retryAttempts: 0 })],
      });
    }
    new TelemetryRule(this, 'Telemetry', { names, settings, ingest: lookup(TELEMETRY_ENTRY) });
    new DevicePolicies(this, 'DevicePolicies', names);

    const alarms = new CurtailAlarms(this, 'Alarms', {
      settings,
      names,
      alarmTopicArn: arns.alarmTopic,
      functions: this.functions,
      stateMachine: workflow.stateMachine,
      api: api.api,
    });
    new CurtailDashboard(this, 'Dashboard', {
      names,
      alarms: alarms.alarms,
      functions: this.functions.map(({ entry, fn }) => ({ label: entry.slug, fn })),
      stateMachine: workflow.stateMachine,
      api: api.api,
    });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'IotDataEndpoint', { value: environment.IOT_DATA_ENDPOINT });
  }
}
