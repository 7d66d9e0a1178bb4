// IoT policies attached to device certificates. Policy variables read the connected thing's
// attributes (orgId, siteId, minerId), so one policy serves every device and none can reach
// another tenant's topics or another site's telemetry.

import { ArnFormat, Stack } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import type { ResourceNames } from './config';

/** Thing attributes every device must carry; the thing name is also its MQTT client id. */
export const THING_ATTRIBUTES = { org: 'orgId', site: 'siteId', miner: 'minerId' } as const;

// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, resolved by IoT Core
const thingName = '${iot:Connection.Thing.ThingName}';
const attribute = (name: string) => `\${iot:Connection.Thing.Attributes[${name}]}`;
const org = attribute(THING_ATTRIBUTES.org);
const site = attribute(THING_ATTRIBUTES.site);
const miner = attribute(THING_ATTRIBUTES.miner);

export class DevicePolicies extends Construct {
  constructor(scope: Construct, id: string, names: ResourceNames) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({
        service: 'iot',
        resource,
        resourceName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    const telemetry = `curtail/v1/${org}/sites/${site}/telemetry`;
    // Only a registered thing with this certificate attached may connect, as itself.
    const connect = {
      Effect: 'Allow',
      Action: ['iot:Connect'],
      Resource: [arn('client', thingName)],
      Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
    };
    const publishTelemetry = {
      Effect: 'Allow',
      Action: ['iot:Publish'],
      Resource: [arn('topic', telemetry)],
    };

    // A single miner: its own command topic, its site's telemetry topic.
    const minerCommands = `curtail/v1/${org}/miners/${miner}/cmd`;
    new CfnPolicy(this, 'Miner', {
      policyName: names.minerPolicy,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          connect,
          {
            Effect: 'Allow',
            Action: ['iot:Subscribe'],
            Resource: [arn('topicfilter', minerCommands)],
          },
          { Effect: 'Allow', Action: ['iot:Receive'], Resource: [arn('topic', minerCommands)] },
          publishTelemetry,
        ],
      },
    });

    // A site gateway relays for the miners behind it. Command topics carry no site, so it may
    // receive its organization's commands (`+` is literal in a topicfilter resource: the
    // gateway must subscribe with exactly this filter) and relays only to miners it knows.
    new CfnPolicy(this, 'SiteGateway', {
      policyName: names.gatewayPolicy,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          connect,
          {
            Effect: 'Allow',
            Action: ['iot:Subscribe'],
            Resource: [arn('topicfilter', `curtail/v1/${org}/miners/+/cmd`)],
          },
          {
            Effect: 'Allow',
            Action: ['iot:Receive'],
            Resource: [arn('topic', `curtail/v1/${org}/miners/*/cmd`)],
          },
          publishTelemetry,
        ],
      },
    });
  }
}
