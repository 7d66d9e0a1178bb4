// Every IAM statement in both stacks: no wildcard action, and a `*` in a resource only where
// the allow-list below says so, for the actions it names. No AWS managed policies at all.

import { describe, expect, it } from 'vitest';
import { INDEXES } from '../../lib/adapters/dynamodb/keys';
import { asArray, flat, type Json, resources, templates } from './support';

interface Statement {
  owner: string;
  effect: string;
  actions: string[];
  resources: string[];
}

const ARN = 'arn:<AWS::Partition>';
const ACCOUNT = '<AWS::Region>:<AWS::AccountId>';

/**
 * The only resources with a `*`, and what may be done on them. Keep this list short; each line
 * says why the wildcard cannot be narrowed.
 */
const WILDCARD_ALLOW_LIST: { resource: string; actions: string[]; why: string }[] = [
  {
    resource: '*',
    actions: [
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
    ],
    why: 'X-Ray has no resource-level permissions',
  },
  {
    resource: '*',
    actions: [
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
    why: 'Step Functions log delivery (vended logs) has no resource-level permissions',
  },
  {
    resource: '*',
    actions: ['iot:DescribeEndpoint'],
    why: 'reading the account IoT endpoint has no resource-level permissions',
  },
  {
    resource: `${ARN}:states:${ACCOUNT}:execution:curtail-dev-event-workflow:*`,
    actions: ['states:StopExecution', 'states:DescribeExecution'],
    why: 'executions are named per event at run time, on this state machine only',
  },
  {
    resource: `${ARN}:iot:${ACCOUNT}:topic/curtail/v1/*/miners/*/cmd`,
    actions: ['iot:Publish'],
    why: 'commands go to any tenant and miner, on the fixed command topic shape only',
  },
  {
    resource: `${ARN}:secretsmanager:${ACCOUNT}:secret:curtail/dev/sources/*`,
    actions: [
      'secretsmanager:GetSecretValue',
      'secretsmanager:CreateSecret',
      'secretsmanager:PutSecretValue',
    ],
    why: 'signal-source secrets are created per source under the stage prefix',
  },
];

function statements(): Statement[] {
  const found: Statement[] = [];
  const read = (owner: string, document: unknown) => {
    for (const raw of asArray((document as { Statement?: Json[] }).Statement)) {
      found.push({
        owner,
        effect: String(raw.Effect),
        actions: asArray(raw.Action as string | string[]),
        resources: asArray(raw.Resource).map(flat),
      });
    }
  };
  for (const template of [templates().stateful, templates().stateless]) {
    for (const policy of resources(template, 'AWS::IAM::Policy')) {
      read(policy.id, policy.props.PolicyDocument);
    }
    for (const policy of resources(template, 'AWS::IAM::ManagedPolicy')) {
      read(policy.id, policy.props.PolicyDocument);
    }
    for (const role of resources(template, 'AWS::IAM::Role')) {
      for (const inline of asArray(role.props.Policies as Json[] | undefined)) {
        read(role.id, inline.PolicyDocument);
      }
    }
  }
  return found;
}

describe('IAM statements', () => {
  const all = statements();

  it('exist (the reader found the function policies)', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('never use a wildcard action', () => {
    const wild = all.flatMap((s) =>
      s.actions.filter((a) => a.includes('*')).map((a) => [s.owner, a]),
    );
    expect(wild).toEqual([]);
  });

  it('use a wildcard resource only where the allow-list says so, for its actions only', () => {
    const violations: string[] = [];
    for (const statement of all) {
      for (const resource of statement.resources.filter((r) => r.includes('*'))) {
        const allowed = WILDCARD_ALLOW_LIST.filter((entry) => entry.resource === resource);
        const fits = allowed.some((entry) =>
          statement.actions.every((action) => entry.actions.includes(action)),
        );
        if (!fits) violations.push(`${statement.owner}: ${statement.actions} on ${resource}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('allow only (no Deny to reason about in identity policies)', () => {
    expect(new Set(all.map((s) => s.effect))).toEqual(new Set(['Allow']));
  });

  it('give DynamoDB access to the table and its four indexes by name, never index/*', () => {
    const table = `${ARN}:dynamodb:${ACCOUNT}:table/curtail-dev`;
    const allowed = [table, ...Object.values(INDEXES).map((i) => `${table}/index/${i.name}`)];
    const dynamo = all.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      for (const resource of statement.resources) expect(allowed).toContain(resource);
    }
  });
});

describe('roles', () => {
  it('carry no AWS managed policy', () => {
    for (const template of [templates().stateful, templates().stateless]) {
      for (const role of resources(template, 'AWS::IAM::Role')) {
        expect(role.props.ManagedPolicyArns, role.id).toBeUndefined();
      }
    }
  });
});
