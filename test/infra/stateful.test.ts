// The stateful stack: the table is the one the code was written for (tableDefinition()) and
// can never be lost to a stack operation; the alarm topic is encrypted and TLS-only.

import { describe, expect, it } from 'vitest';
import { tableDefinition } from '../../lib/adapters/dynamodb/table';
import { flat, type Json, resources, statementsOf, synthesize, templates } from './support';

type Named = { AttributeName?: string; IndexName?: string };
const byName = <T extends Named>(items: T[] | undefined) =>
  [...(items ?? [])].sort((a, b) =>
    String(a.IndexName ?? a.AttributeName).localeCompare(String(b.IndexName ?? b.AttributeName)),
  );

describe.each([
  ['dev', templates()],
  ['prod', synthesize({ stage: 'prod' })],
])('the %s table', (stage, synthesized) => {
  const [table] = resources(synthesized.stateful, 'AWS::DynamoDB::Table');
  const props = table?.props ?? {};
  const expected = tableDefinition(`curtail-${stage}`);

  it('is the only table', () => {
    expect(resources(synthesized.stateful, 'AWS::DynamoDB::Table')).toHaveLength(1);
    expect(resources(synthesized.stateless, 'AWS::DynamoDB::Table')).toHaveLength(0);
  });

  it('is never deleted by a stack operation', () => {
    expect(table?.raw.DeletionPolicy).toBe('Retain');
    expect(table?.raw.UpdateReplacePolicy).toBe('Retain');
    expect(props.DeletionProtectionEnabled).toBe(true);
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('is on demand, with the TTL attribute', () => {
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('has the key schema and the GSIs of tableDefinition()', () => {
    expect(props.TableName).toBe(expected.TableName);
    expect(props.KeySchema).toEqual(expected.KeySchema);
    expect(byName(props.AttributeDefinitions as Named[])).toEqual(
      byName(expected.AttributeDefinitions),
    );
    expect(byName(props.GlobalSecondaryIndexes as Named[])).toEqual(
      byName(expected.GlobalSecondaryIndexes),
    );
  });
});

describe('the alarm topic', () => {
  const [topic] = resources(templates().stateful, 'AWS::SNS::Topic');
  const [policy] = resources(templates().stateful, 'AWS::SNS::TopicPolicy');
  const statements = statementsOf(policy?.props.PolicyDocument);

  it('is encrypted with the customer managed key', () => {
    expect(topic?.props.TopicName).toBe('curtail-dev-alarms');
    expect(flat(topic?.props.KmsMasterKeyId)).toMatch(/^<AlarmKey[A-F0-9]+\.Arn>$/);
  });

  it('refuses publishing without TLS', () => {
    const deny = statements.find((s) => s.Effect === 'Deny');
    expect(deny?.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('lets only this stage’s CloudWatch alarms publish', () => {
    const allow = statements.find((s) => s.Effect === 'Allow');
    expect(allow?.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    const like = (allow?.Condition as { ArnLike?: Json } | undefined)?.ArnLike?.['aws:SourceArn'];
    expect(flat(like)).toBe(
      'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:curtail-dev-*',
    );
  });

  it('gets the alarm e-mail subscription when one is given', () => {
    const withMail = synthesize({ alarmEmail: 'ops@example.com' });
    const [subscription] = resources(withMail.stateful, 'AWS::SNS::Subscription');
    expect(subscription?.props).toMatchObject({ Protocol: 'email', Endpoint: 'ops@example.com' });
    expect(resources(templates().stateful, 'AWS::SNS::Subscription')).toHaveLength(0);
  });
});
