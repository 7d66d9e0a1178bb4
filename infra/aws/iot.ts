// IoT Core: the telemetry topic rule into the ingest Lambda, the account's data endpoint for
// publishing commands, and the policies that keep each device to its own topics.

import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { TELEMETRY_TOPIC_FILTER } from '../manifest';
import type { CurtailSettings, ResourceNames } from './config';
import { acknowledge, acknowledgeWildcard } from './nag';

export const TELEMETRY_SQL = `SELECT *, topic() AS topic FROM '${TELEMETRY_TOPIC_FILTER}'`;

/** Looks the `iot:Data-ATS` endpoint up at deploy time unless context gave it. */
export function iotDataEndpoint(scope: Construct, settings: CurtailSettings): string {
  if (settings.iotDataEndpoint) return settings.iotDataEndpoint;
  const prod = settings.stage === 'prod';
  const logGroup = new LogGroup(scope, 'IotEndpointLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  // An own role, so the provider gets no AWS managed policy.
  const role = new Role(scope, 'IotEndpointRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['iot:DescribeEndpoint'], resources: ['*'] }),
  );
  acknowledgeWildcard(
    role,
    '*',
    'iot:DescribeEndpoint has no resource-level permissions (Resource must be "*"); it only ' +
      'reads the account endpoint address.',
  );
  const lookup = new AwsCustomResource(scope, 'IotEndpoint', {
    onUpdate: {
      service: 'Iot',
      action: 'describeEndpoint',
      parameters: { endpointType: 'iot:Data-ATS' },
      physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
    },
    role,
    logGroup,
    // The SDK in the Lambda runtime is enough; installing one at deploy time needs npm access.
    installLatestAwsSdk: false,
  });
  // The provider is a stack-level singleton named after this fixed UUID.
  const providerId = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`;
  acknowledge(
    Stack.of(scope).node.findChild(providerId),
    'L1',
    'The AwsCustomResource provider is owned by aws-cdk-lib, which picks and updates its ' +
      'runtime; it runs once per deployment to read the IoT endpoint.',
  );
  return lookup.getResponseField('endpointAddress');
}

export interface TelemetryRuleProps {
  names: ResourceNames;
  ingest: IFunction;
  settings: CurtailSettings;
}

export class TelemetryRule extends Construct {
  readonly rule: CfnTopicRule;

  constructor(scope: Construct, id: string, props: TelemetryRuleProps) {
    super(scope, id);
    const prod = props.settings.stage === 'prod';
    // A failed invoke (throttled, missing permission) would otherwise vanish without a trace.
    const errors = new LogGroup(this, 'Errors', {
      logGroupName: `/aws/iot/rules/${props.names.telemetryRule}/errors`,
      retention: prod ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const errorRole = new Role(this, 'ErrorRole', {
      assumedBy: new ServicePrincipal('iot.amazonaws.com'),
    });
    errors.grantWrite(errorRole);
    errorRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:DescribeLogStreams'],
        resources: [errors.logGroupArn],
      }),
    );
    this.rule = new CfnTopicRule(this, 'Rule', {
      ruleName: props.names.telemetryRule,
      topicRulePayload: {
        sql: TELEMETRY_SQL,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: props.ingest.functionArn } }],
        errorAction: {
          cloudwatchLogs: { logGroupName: errors.logGroupName, roleArn: errorRole.roleArn },
        },
      },
    });
    // Only this rule may invoke the ingest function.
    props.ingest.addPermission('InvokeFromTelemetryRule', {
      principal: new ServicePrincipal('iot.amazonaws.com'),
      sourceArn: this.rule.attrArn,
      sourceAccount: Stack.of(this).account,
    });
  }
}
