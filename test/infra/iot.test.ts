// IoT Core: the telemetry rule feeds the ingest function (and only it may invoke it), and the
// device policies keep every thing to its own tenant's command and telemetry topics.

import { describe, expect, it } from 'vitest';
import { TELEMETRY_SQL } from '../../infra/aws/iot';
import { TELEMETRY_ENTRY, TELEMETRY_TOPIC_FILTER } from '../../infra/manifest';
import {
  asArray,
  entryFunctions,
  flat,
  type Json,
  resources,
  statementsOf,
  templates,
} from './support';

describe('the telemetry rule', () => {
  const [rule] = resources(templates().stateless, 'AWS::IoT::TopicRule');
  const payload = (rule?.props.TopicRulePayload ?? {}) as Json;
  const ingest = entryFunctions(templates().stateless).get(TELEMETRY_ENTRY);

  it('selects the payload with its topic from the manifest filter', () => {
    expect(TELEMETRY_SQL).toBe(`SELECT *, topic() AS topic FROM '${TELEMETRY_TOPIC_FILTER}'`);
    expect(payload.Sql).toBe(TELEMETRY_SQL);
    expect(payload.AwsIotSqlVersion).toBe('2016-03-23');
  });

  it('invokes the ingest function and logs failed invokes', () => {
    const [action] = payload.Actions as { Lambda: { FunctionArn: unknown } }[];
    expect(flat(action?.Lambda.FunctionArn)).toBe(`<${ingest?.id}.Arn>`);
    expect(payload.ErrorAction).toHaveProperty('CloudwatchLogs');
  });

  it('is the only IoT principal allowed to invoke it', () => {
    const permissions = resources(templates().stateless, 'AWS::Lambda::Permission').filter(
      (p) => p.props.Principal === 'iot.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(flat(permissions[0]?.props.FunctionName)).toBe(`<${ingest?.id}.Arn>`);
    expect(flat(permissions[0]?.props.SourceArn)).toBe(`<${rule?.id}.Arn>`);
  });
});

describe('device policies', () => {
  const policies = resources(templates().stateless, 'AWS::IoT::Policy');
  const statements = (name: string) => {
    const policy = policies.find((p) => p.props.PolicyName === name);
    return statementsOf(policy?.props.PolicyDocument);
  };
  const resourcesOf = (name: string, action: string) =>
    statements(name)
      .filter((s) => asArray(s.Action as string[]).includes(action))
      .flatMap((s) => asArray(s.Resource).map(flat));
  const iot = 'arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>';
  const thing = (name: string) => `\${iot:Connection.Thing.Attributes[${name}]}`;
  const org = thing('orgId');
  const site = thing('siteId');
  const miner = thing('minerId');

  it('exist for miners and site gateways, with MQTT actions only', () => {
    expect(policies.map((p) => p.props.PolicyName).sort()).toEqual([
      'curtail-dev-miner',
      'curtail-dev-site-gateway',
    ]);
    for (const name of ['curtail-dev-miner', 'curtail-dev-site-gateway']) {
      const actions = statements(name).flatMap((s) => asArray(s.Action as string[]));
      expect(new Set(actions)).toEqual(
        new Set(['iot:Connect', 'iot:Subscribe', 'iot:Receive', 'iot:Publish']),
      );
    }
  });

  it('let a thing connect only as itself, with its certificate attached', () => {
    for (const name of ['curtail-dev-miner', 'curtail-dev-site-gateway']) {
      const connect = statements(name).find(
        (s) => asArray(s.Action as string[])[0] === 'iot:Connect',
      );
      expect(asArray(connect?.Resource).map(flat)).toEqual([
        `${iot}:client/\${iot:Connection.Thing.ThingName}`,
      ]);
      expect(connect?.Condition).toEqual({ Bool: { 'iot:Connection.Thing.IsAttached': 'true' } });
    }
  });

  it('give a miner its own command topic and its site telemetry topic only', () => {
    const name = 'curtail-dev-miner';
    expect(resourcesOf(name, 'iot:Subscribe')).toEqual([
      `${iot}:topicfilter/curtail/v1/${org}/miners/${miner}/cmd`,
    ]);
    expect(resourcesOf(name, 'iot:Receive')).toEqual([
      `${iot}:topic/curtail/v1/${org}/miners/${miner}/cmd`,
    ]);
    expect(resourcesOf(name, 'iot:Publish')).toEqual([
      `${iot}:topic/curtail/v1/${org}/sites/${site}/telemetry`,
    ]);
  });

  it('keep a gateway inside its organization and its own site telemetry', () => {
    const name = 'curtail-dev-site-gateway';
    for (const resource of [
      ...resourcesOf(name, 'iot:Subscribe'),
      ...resourcesOf(name, 'iot:Receive'),
    ]) {
      expect(resource).toMatch(
        /\/curtail\/v1\/\$\{iot:Connection\.Thing\.Attributes\[orgId\]\}\/miners\//,
      );
    }
    expect(resourcesOf(name, 'iot:Publish')).toEqual([
      `${iot}:topic/curtail/v1/${org}/sites/${site}/telemetry`,
    ]);
  });
});
