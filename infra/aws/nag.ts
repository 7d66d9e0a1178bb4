// cdk-nag (AwsSolutions) wiring and the acknowledgements used in more than one place. Each
// acknowledgement names one exact finding, so a new wildcard elsewhere still fails synth.

import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// The same flattening cdk-nag applies to a resource when it names an IAM5 finding.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/** Acknowledges the IAM5 finding for one resource ARN (a string or a CloudFormation token). */
export function acknowledgeWildcard(scope: IConstruct, arn: unknown, reason: string): void {
  const resolved = typeof arn === 'string' ? Stack.of(scope).resolve(arn) : arn;
  acknowledge(scope, `IAM5[Resource::${flattenCfnReference(resolved)}]`, reason);
}

export function acknowledgeXray(scope: IConstruct): void {
  acknowledgeWildcard(
    scope,
    '*',
    'X-Ray PutTraceSegments/PutTelemetryRecords (and the sampling reads) accept only ' +
      'Resource "*": X-Ray has no resource-level permissions.',
  );
}

export function acknowledgePinnedRuntime(scope: IConstruct): void {
  acknowledge(
    scope,
    'L1',
    'Production pins nodejs22.x on purpose: the code, the tests and the local stack run on ' +
      'Node 22; moving to a newer runtime is a deliberate, tested change.',
  );
}
