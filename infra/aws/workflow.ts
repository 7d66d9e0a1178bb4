// The event workflow: the same statemachines/*.asl.json the local runner executes, put in the
// template as a string with its ${Placeholder}s filled by definitionSubstitutions.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EVENT_WORKFLOW_ASL, WORKFLOW_TASKS } from '../manifest';
import { type CurtailSettings, REPO_ROOT, type ResourceNames } from './config';
import { acknowledgeWildcard } from './nag';
import type { ResourceArns } from './permissions';

/** The `${Name}` placeholders of an ASL text, in order of first appearance. */
export function placeholdersOf(asl: string): string[] {
  return [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? ''))];
}

export function readWorkflowAsl(): string {
  return readFileSync(join(REPO_ROOT, EVENT_WORKFLOW_ASL), 'utf8');
}

export interface EventWorkflowProps {
  settings: CurtailSettings;
  names: ResourceNames;
  arns: ResourceArns;
  /** The deployed function of every entry, by entry path. */
  functions: Map<string, IFunction>;
}

export class EventWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: EventWorkflowProps) {
    super(scope, id);
    const { settings, names, arns } = props;
    const asl = readWorkflowAsl();
    const substitutions: Record<string, string> = {};
    for (const placeholder of placeholdersOf(asl)) {
      const entry = WORKFLOW_TASKS[placeholder];
      const fn = entry ? props.functions.get(entry) : undefined;
      if (!fn) throw new Error(`${EVENT_WORKFLOW_ASL}: no function for \${${placeholder}}`);
      substitutions[placeholder] = fn.functionArn;
    }
    const prod = settings.stage === 'prod';
    // The vended-logs prefix keeps the Logs resource policy short as stacks multiply.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${names.stateMachine}`,
      retention: prod ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: names.stateMachine,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(asl),
      definitionSubstitutions: substitutions,
      // Only ids and counters travel through the workflow, so execution data is safe to log.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // The ASL arrives as text, so CDK cannot infer what its tasks call: granted by hand, on the
    // unqualified function ARNs the substitutions use (no `:*` version wildcard).
    const taskFunctions = [...new Set(Object.values(substitutions))];
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: taskFunctions }),
    );
    // ContinueAsNew starts a fresh execution of this same machine ($$.StateMachine.Id). The ARN
    // comes from the fixed name: a reference to the machine itself would be a circular one.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [arns.stateMachine] }),
    );

    // One IAM5 finding covers both "*" statements CDK adds for logging and tracing.
    acknowledgeWildcard(
      this.stateMachine.role,
      '*',
      'Only for X-Ray (PutTraceSegments, PutTelemetryRecords, sampling reads) and CloudWatch ' +
        'Logs vended delivery (CreateLogDelivery and related): neither supports resource-level ' +
        'permissions, so Resource must be "*".',
    );
  }
}
