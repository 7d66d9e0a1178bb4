// Turns an entry's Access into IAM statements on exact ARNs: the table and its four indexes by
// name, the one state machine, the miner command topics, the signal-source secrets.

import { ArnFormat, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { INDEXES } from '../../lib/adapters/dynamodb/keys';
import type { Access, SecretAction, WorkflowAction } from './access';
import type { ResourceNames } from './config';

export const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

const SECRET_ACTIONS: Record<SecretAction, string[]> = {
  read: ['secretsmanager:GetSecretValue'],
  write: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
};

const WORKFLOW_ACTIONS: Record<WorkflowAction, string> = {
  start: 'states:StartExecution',
  wake: 'states:SendTaskSuccess',
  stop: 'states:StopExecution',
  describe: 'states:DescribeExecution',
};

/** ARNs built from the fixed names, so no stack needs another's outputs. */
export function resourceArns(stack: Stack, names: ResourceNames, signalWorker?: string) {
  const table = stack.formatArn({
    service: 'dynamodb',
    resource: 'table',
    resourceName: names.table,
  });
  const stateMachine = stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: names.stateMachine,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return {
    table,
    indexes: Object.values(INDEXES).map((index) => `${table}/index/${index.name}`),
    stateMachine,
    /** Executions are named per event, so only the state machine part can be fixed. */
    executions: stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${names.stateMachine}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    /** `curtail/v1/{orgId}/miners/{minerId}/cmd` for any organization and miner. */
    commandTopics: stack.formatArn({
      service: 'iot',
      resource: 'topic',
      resourceName: 'curtail/v1/*/miners/*/cmd',
    }),
    sourceSecrets: stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${names.sourceSecretPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    alarmTopic: stack.formatArn({ service: 'sns', resource: names.alarmTopic }),
    /** The signal worker function by its fixed name, when there is one. */
    signalWorker: signalWorker
      ? stack.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: signalWorker,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })
      : undefined,
  };
}

export type ResourceArns = ReturnType<typeof resourceArns>;

/** Which ARNs in `statementsFor` carry a wildcard, with the reason cdk-nag is told. */
export function wildcardReasons(access: Access, arns: ResourceArns): [string, string][] {
  const reasons: [string, string][] = [];
  if (access.workflow.some((action) => action === 'stop' || action === 'describe')) {
    reasons.push([
      arns.executions,
      'Executions are named per event at run time; the ARN is fixed to this state machine.',
    ]);
  }
  if (access.publish) {
    reasons.push([
      arns.commandTopics,
      'Commands go to curtail/v1/{orgId}/miners/{minerId}/cmd for any tenant and miner; ' +
        'the topic shape is fixed, only the ids vary.',
    ]);
  }
  if (access.secrets.length > 0) {
    reasons.push([
      arns.sourceSecrets,
      'Signal-source secrets are created per source at run time under this stage prefix.',
    ]);
  }
  return reasons;
}

export function statementsFor(access: Access, arns: ResourceArns): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (access.table !== 'none') {
    const actions = access.table === 'write' ? [...TABLE_READ, ...TABLE_WRITE] : TABLE_READ;
    statements.push(new PolicyStatement({ actions, resources: [arns.table] }));
    statements.push(new PolicyStatement({ actions: ['dynamodb:Query'], resources: arns.indexes }));
  }
  const onMachine = access.workflow.filter((action) => action === 'start' || action === 'wake');
  if (onMachine.length > 0) {
    statements.push(
      new PolicyStatement({
        actions: onMachine.map((action) => WORKFLOW_ACTIONS[action]),
        resources: [arns.stateMachine],
      }),
    );
  }
  const onExecutions = access.workflow.filter(
    (action) => action === 'stop' || action === 'describe',
  );
  if (onExecutions.length > 0) {
    statements.push(
      new PolicyStatement({
        actions: onExecutions.map((action) => WORKFLOW_ACTIONS[action]),
        resources: [arns.executions],
      }),
    );
  }
  if (access.publish) {
    statements.push(
      new PolicyStatement({ actions: ['iot:Publish'], resources: [arns.commandTopics] }),
    );
  }
  if (access.secrets.length > 0) {
    statements.push(
      new PolicyStatement({
        actions: access.secrets.flatMap((action) => SECRET_ACTIONS[action]),
        resources: [arns.sourceSecrets],
      }),
    );
  }
  if (access.invokeWorker && arns.signalWorker) {
    statements.push(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [arns.signalWorker] }),
    );
  }
  return statements;
}
