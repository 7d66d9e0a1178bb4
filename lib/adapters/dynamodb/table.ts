// The table's shape, used to create it in DynamoDB Local and checked against the CDK stack.

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEXES } from './keys';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...indexes.flatMap((index) => [
        { AttributeName: index.pk, AttributeType: 'S' as const },
        { AttributeName: index.sk, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.pk, KeyType: 'HASH' as const },
        { AttributeName: index.sk, KeyType: 'RANGE' as const },
      ],
      Projection:
        index.name === INDEXES.bySite.name
          ? { ProjectionType: 'KEYS_ONLY' as const }
          : { ProjectionType: 'ALL' as const },
    })),
  };
}
