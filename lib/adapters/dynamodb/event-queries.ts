// Reading events from DynamoDB: one event, the live ones of an organization, the live ones of
// every organization (the sweep), and history pages by key.

import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventState } from '../../domain/event';
import type { StoredEvent } from '../../ports/event-store';
import { toStoredEvent } from './event-items';
import { INDEXES, keys, LIVE_SHARDS } from './keys';
import { mergeOrdered, type ShardCursor } from './merge';
import { DynamoTargetStore } from './target-store';

export class DynamoEventQueries extends DynamoTargetStore {
  async getEvent(orgId: string, eventId: string): Promise<StoredEvent | undefined> {
    const result = await this.db.doc.send(
      new GetCommand({
        TableName: this.db.table,
        Key: keys.event(orgId, eventId),
        ConsistentRead: true,
      }),
    );
    return result.Item ? toStoredEvent(result.Item) : undefined;
  }

  async listLive(orgId: string): Promise<StoredEvent[]> {
    const states: EventState[] = ['pending', 'active', 'restoring'];
    const lists = await Promise.all(
      states.map((state) => this.queryIndex('byState', keys.statePk(orgId, state))),
    );
    return lists
      .flat()
      .map(toStoredEvent)
      .sort((a, b) => (a.eventId < b.eventId ? 1 : -1));
  }

  /** Every item under one index key, page after page. */
  private async queryIndex(index: 'byState' | 'live', pk: string) {
    const { name, pk: pkAttr } = INDEXES[index];
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.table,
          IndexName: name,
          KeyConditionExpression: `${pkAttr} = :pk`,
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async listHistory(
    orgId: string,
    options: { states?: EventState[]; pageSize: number; beforeEventId?: string },
  ): Promise<{ events: StoredEvent[]; more: boolean }> {
    const before = options.beforeEventId;
    const cursor = (index: 'history' | 'byState', pk: string): ShardCursor<StoredEvent> => {
      const { name, pk: pkAttr, sk: skAttr } = INDEXES[index];
      let startKey: Record<string, unknown> | undefined;
      return {
        fetch: async (limit) => {
          const result = await this.db.doc.send(
            new QueryCommand({
              TableName: this.db.table,
              IndexName: name,
              KeyConditionExpression: before
                ? `${pkAttr} = :pk AND ${skAttr} < :before`
                : `${pkAttr} = :pk`,
              ExpressionAttributeValues: { ':pk': pk, ...(before ? { ':before': before } : {}) },
              ScanIndexForward: false,
              ExclusiveStartKey: startKey,
              Limit: limit,
            }),
          );
          startKey = result.LastEvaluatedKey;
          return { items: (result.Items ?? []).map(toStoredEvent), done: !startKey };
        },
      };
    };
    const cursors = options.states?.length
      ? options.states.map((state) => cursor('byState', keys.statePk(orgId, state)))
      : [cursor('history', keys.historyPk(orgId))];
    const page = await mergeOrdered(cursors, options.pageSize, (event) => event.eventId, 'desc');
    return { events: page.items, more: !page.exhausted };
  }

  async listLiveEverywhere(): Promise<StoredEvent[]> {
    const shards = await Promise.all(
      Array.from({ length: LIVE_SHARDS }, (_, shard) => this.queryIndex('live', `LIVE#${shard}`)),
    );
    return shards.flat().map(toStoredEvent);
  }
}
