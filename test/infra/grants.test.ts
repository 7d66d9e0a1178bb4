// Who may do what: each function's grants follow the use cases it calls, the state machine
// invokes its four task functions and restarts itself only, and the alarm key's policy.

import { describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../infra/manifest';
import {
  asArray,
  entryFunctions,
  flat,
  type Json,
  resources,
  roleIdOf,
  statementsOf,
  templates,
} from './support';

const ARN = 'arn:<AWS::Partition>';
const ACCOUNT = '<AWS::Region>:<AWS::AccountId>';
/** Actions granted to the role of an entry's function, from every policy attached to it. */
function actionsOf(entry: string): string[] {
  const fn = entryFunctions(templates().stateless).get(entry);
  const roleId = roleIdOf(fn);
  return resources(templates().stateless, 'AWS::IAM::Policy')
    .filter((p) => asArray(p.props.Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap((p) => statementsOf(p.props.PolicyDocument))
    .flatMap((s) => asArray(s.Action as string | string[]));
}

describe('per-function grants', () => {
  const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
  const functions = [...entryFunctions(templates().stateless).keys()];

  it('give read-only handlers no table writes', () => {
    for (const entry of ['functions/http/get-event.ts', 'functions/http/list-events.ts']) {
      for (const write of writes) expect(actionsOf(entry)).not.toContain(write);
      expect(actionsOf(entry)).toContain('dynamodb:Query');
    }
    expect(actionsOf('functions/http/openapi.ts').some((a) => a.startsWith('dynamodb:'))).toBe(
      false,
    );
  });

  it('let only the wave senders and the sweep publish miner commands', () => {
    const publishers = functions.filter((entry) => actionsOf(entry).includes('iot:Publish'));
    expect(publishers.sort()).toEqual(
      [
        'functions/scheduled/sweep.ts',
        'functions/workflow/curtail-tick.ts',
        'functions/workflow/restore-tick.ts',
      ].filter((entry) => functions.includes(entry)),
    );
  });

  it('let only signal handlers near the secrets, and only the receiver and sweep hand off', () => {
    const readers = functions.filter((e) => actionsOf(e).includes('secretsmanager:GetSecretValue'));
    const writers = functions.filter((e) => actionsOf(e).includes('secretsmanager:PutSecretValue'));
    const handOff = functions.filter((e) => actionsOf(e).includes('lambda:InvokeFunction'));
    const present = (list: string[]) => list.filter((entry) => functions.includes(entry)).sort();
    // Routes without a JWT check the caller against the source's secret; rotation reads the old.
    const publicEntries = HTTP_ROUTES.filter((route) => !route.auth).map((route) => route.entry);
    expect(readers.sort()).toEqual(
      [
        ...new Set([...publicEntries, ...present(['functions/http/rotate-source-secret.ts'])]),
      ].sort(),
    );
    expect(writers.sort()).toEqual(
      present(['functions/http/create-source.ts', 'functions/http/rotate-source-secret.ts']),
    );
    if (functions.includes('functions/signals/worker.ts')) {
      expect(handOff.sort()).toEqual(
        [...new Set([...publicEntries, ...present(['functions/scheduled/sweep.ts'])])].sort(),
      );
    }
  });

  it('match the workflow calls of the use cases', () => {
    expect(actionsOf('functions/http/start-event.ts')).toContain('states:StartExecution');
    expect(actionsOf('functions/http/stop-event.ts')).toContain('states:SendTaskSuccess');
    expect(actionsOf('functions/http/admin-terminate.ts')).toContain('states:StopExecution');
    expect(actionsOf('functions/workflow/park.ts')).toContain('states:SendTaskSuccess');
    expect(actionsOf('functions/workflow/route.ts')).toContain('states:DescribeExecution');
    expect(actionsOf('functions/http/get-event.ts').some((a) => a.startsWith('states:'))).toBe(
      false,
    );
  });
});

describe('the state machine role', () => {
  const role = resources(templates().stateless, 'AWS::IAM::Policy').find((p) =>
    p.id.startsWith('WorkflowStateMachineRole'),
  );
  const machineStatements = statementsOf(role?.props.PolicyDocument);

  it('invokes exactly the four task functions, unqualified', () => {
    const invoke = machineStatements.find((s) => s.Action === 'lambda:InvokeFunction');
    const targets = asArray(invoke?.Resource).map(flat);
    expect(targets).toHaveLength(4);
    for (const target of targets)
      expect(target).toMatch(/^<Fnworkflow[a-z]+Function[A-F0-9]+\.Arn>$/);
  });

  it('may start executions of itself only (continue-as-new)', () => {
    const start = machineStatements.find((s) => s.Action === 'states:StartExecution');
    expect(flat(start?.Resource)).toBe(
      `${ARN}:states:${ACCOUNT}:stateMachine:curtail-dev-event-workflow`,
    );
  });
});

describe('resource policies', () => {
  it('limit the alarm key to account administration and CloudWatch alarms', () => {
    const [key] = resources(templates().stateful, 'AWS::KMS::Key');
    const policy = statementsOf(key?.props.KeyPolicy);
    for (const statement of policy) {
      const principal = flat(
        (statement.Principal as Json).AWS ?? (statement.Principal as Json).Service,
      );
      if (asArray(statement.Action as string[]).includes('kms:*')) {
        // The default key policy: lets IAM in this account manage the key; nothing else is `*`.
        expect(principal).toBe('arn:<AWS::Partition>:iam::<AWS::AccountId>:root');
      } else {
        expect(principal).toBe('cloudwatch.amazonaws.com');
        expect(statement.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      }
    }
  });
});
