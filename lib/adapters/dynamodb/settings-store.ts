// Organization settings in DynamoDB: one item per organization, defaults until first saved.

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_SETTINGS, type OrgSettings } from '../../domain/settings';
import type { SettingsStore } from '../../ports/settings-store';
import type { Dynamo } from './client';
import { keys } from './keys';

export class DynamoSettingsStore implements SettingsStore {
  constructor(private readonly db: Dynamo) {}

  async get(orgId: string): Promise<OrgSettings> {
    const result = await this.db.doc.send(
      new GetCommand({ TableName: this.db.table, Key: keys.settings(orgId) }),
    );
    const stored = (result.Item?.settings ?? {}) as Partial<OrgSettings>;
    return { ...DEFAULT_SETTINGS, ...stored };
  }

  async put(orgId: string, settings: OrgSettings): Promise<void> {
    // Last writer wins by design (admins edit settings as a whole); the condition only
    // keeps the item shape: it must be this organization's settings item or absent.
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: { ...keys.settings(orgId), kind: 'settings', orgId, settings },
        ConditionExpression: 'attribute_not_exists(pk) OR orgId = :org',
        ExpressionAttributeValues: { ':org': orgId },
      }),
    );
  }
}
