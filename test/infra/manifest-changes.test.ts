// How the stacks follow the manifest as it changes: an OpenADR-style route without a JWT (no
// authorizer, secrets readable, cdk-nag still clean), and a manifest without SCHEDULED_TASKS
// or a signal worker (the schedules fall back to the files that exist, nothing is invoked).

import { App } from 'aws-cdk-lib';
import { describe, expect, it, vi } from 'vitest';
import { buildCurtail } from '../../infra/aws/curtail';
import { addNagChecks } from '../../infra/aws/nag';
import {
  asArray,
  entryFunctions,
  flat,
  type Json,
  resources,
  roleIdOf,
  statementsOf,
  synthesize,
} from './support';

const PUBLIC_ROUTE = 'POST /v1/openadr/{subscriptionId}';

vi.mock('../../infra/manifest', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../infra/manifest')>();
  return {
    ...original,
    HTTP_ROUTES: [
      ...original.HTTP_ROUTES.filter((route) => route.auth),
      // An existing module stands in for a handler this manifest does not know yet.
      {
        method: 'POST',
        path: '/v1/openadr/{subscriptionId}',
        auth: false,
        entry: 'functions/http/openapi.ts',
      },
    ],
    SCHEDULED_TASKS: undefined,
    SIGNAL_WORKER_ENTRY: undefined,
  };
});

const { stateless } = synthesize();

describe('a route without a JWT', () => {
  it('has no authorizer, while the other routes keep theirs', () => {
    const routes = resources(stateless, 'AWS::ApiGatewayV2::Route');
    const open = routes.find((route) => route.props.RouteKey === PUBLIC_ROUTE);
    expect(open?.props.AuthorizationType).toBe('NONE');
    const others = routes.filter((route) => route.props.RouteKey !== PUBLIC_ROUTE);
    for (const route of others) expect(route.props.AuthorizationType).toBe('JWT');
  });

  it('may read the signal-source secrets of this stage, and nothing is handed off', () => {
    const roleId = roleIdOf(entryFunctions(stateless).get('functions/http/openapi.ts'));
    const statements = resources(stateless, 'AWS::IAM::Policy')
      .filter((p) => asArray(p.props.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap((p) => statementsOf(p.props.PolicyDocument));
    const secrets = statements.find((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(flat(secrets?.Resource)).toBe(
      'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:curtail/dev/sources/*',
    );
    expect(statements.some((s) => s.Action === 'lambda:InvokeFunction')).toBe(false);
  });

  it('keeps cdk-nag clean (APIG4 and the secret prefix acknowledged with reasons)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    buildCurtail(app);
    addNagChecks(app);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('a manifest without schedules or a signal worker', () => {
  it('schedules the sweep and the watchdog files that exist', () => {
    const rules = resources(stateless, 'AWS::Events::Rule');
    expect(rules.map((rule) => rule.props.Name).sort()).toEqual([
      'curtail-dev-sweep',
      'curtail-dev-watchdog',
    ]);
  });

  it('sets no signal worker name', () => {
    for (const fn of entryFunctions(stateless).values()) {
      const env = (fn.props.Environment as { Variables: Json }).Variables;
      expect(env.SIGNAL_WORKER_FUNCTION).toBeUndefined();
    }
  });
});
