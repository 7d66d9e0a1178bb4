// The sweep heartbeat as one item. Writes only move it forward in time, so a slow tick that
// finishes after a newer one cannot make the reconciler look older than it is.

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Heartbeat, HeartbeatStore } from '../../ports/heartbeat';
import { type Dynamo, isConditionFailure } from './client';
import { keys } from './keys';

export class DynamoHeartbeatStore implements HeartbeatStore {
  constructor(private readonly db: Dynamo) {}

  async record(heartbeat: Heartbeat): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...keys.heartbeat(), kind: 'heartbeat', ...heartbeat },
          ConditionExpression: 'attribute_not_exists(pk) OR tickAt < :at',
          ExpressionAttributeValues: { ':at': heartbeat.tickAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async read(): Promise<Heartbeat | undefined> {
    const result = await this.db.doc.send(
      new GetCommand({ TableName: this.db.table, Key: keys.heartbeat(), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { pk: _pk, sk: _sk, kind: _kind, ...heartbeat } = result.Item;
    return heartbeat as Heartbeat;
  }
}
