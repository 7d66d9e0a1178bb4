// cdk-nag's AwsSolutions pack over the whole app, in-process with bundling skipped: no finding
// is left unacknowledged in any stage or context, and a new wildcard does fail the synth.

import { App } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { buildCurtail } from '../../infra/aws/curtail';
import { addNagChecks } from '../../infra/aws/nag';
import type { Json } from './support';

function synthWithNag(context: Json, change?: (built: ReturnType<typeof buildCurtail>) => void) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const built = buildCurtail(app);
  change?.(built);
  addNagChecks(app);
  app.synth();
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['dev defaults', {}],
    ['prod', { stage: 'prod', alarmEmail: 'ops@example.com' }],
    [
      'external issuer, portal origin and a known IoT endpoint',
      {
        oidcIssuer: 'https://login.example.com/',
        oidcAudience: 'curtail-api',
        portalOrigin: 'https://portal.example.com',
        iotDataEndpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com',
      },
    ],
  ])('leaves no unacknowledged finding (%s)', (_name, context) => {
    expect(() => synthWithNag(context)).not.toThrow();
  });

  it('fails the synth on an unacknowledged wildcard resource', () => {
    const addWildcard = ({ stateless }: ReturnType<typeof buildCurtail>) => {
      const role = new Role(stateless, 'Careless', {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      });
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
      );
    };
    expect(() => synthWithNag({}, addWildcard)).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });
});
