// The stack that holds data and must outlive every redeploy: the table (never deleted by a
// stack operation, in any stage) and the encrypted alarm topic.

import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../lib/adapters/dynamodb/table';
import { type CurtailSettings, resourceNames } from './config';

/** Items with a numeric epoch-seconds `expiresAt` are removed by DynamoDB TTL. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface StatefulStackProps extends StackProps {
  settings: CurtailSettings;
}

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const names = resourceNames(settings);
    const prod = settings.stage === 'prod';

    // The same definition DynamoDB Local is created from, so the key design cannot drift.
    const definition = tableDefinition(names.table);
    const attributeType = (name: string) => {
      const found = definition.AttributeDefinitions?.find((a) => a.AttributeName === name);
      if (found?.AttributeType !== 'S') throw new Error(`${name} is not a string attribute`);
      return AttributeType.STRING;
    };
    const keyOf = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) => {
      const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
      const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
      if (!hash || !range) throw new Error('every key of the table design has a hash and range');
      return {
        partitionKey: { name: hash, type: attributeType(hash) },
        sortKey: { name: range, type: attributeType(range) },
      };
    };
    this.table = new Table(this, 'Table', {
      tableName: names.table,
      ...keyOf(definition.KeySchema),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Data is never deleted by a stack operation, in dev either: delete the table by hand.
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const projection = index.Projection?.ProjectionType;
      if (!index.IndexName) throw new Error('an index without a name');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        ...keyOf(index.KeySchema),
        projectionType: projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }

    // A customer managed key: CloudWatch alarms cannot publish to a topic under aws/sns.
    const alarmKey = new Key(this, 'AlarmKey', {
      alias: `alias/${settings.prefix}-alarms`,
      description: `${settings.prefix}: encrypts the alarm topic`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(prod ? 30 : 7),
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    alarmKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      topicName: names.alarmTopic,
      displayName: `curtail ${settings.stage} alarms`,
      masterKey: alarmKey,
      enforceSSL: true,
    });
    // Only this account's curtail alarms may publish; everyone must use TLS (enforceSSL).
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisStage',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${settings.prefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (settings.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(settings.alarmEmail));
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'SourceSecretPrefix', {
      description: 'Create one secret per signal source under this prefix (see docs/deploy.md).',
      value: names.sourceSecretPrefix,
    });
  }
}
