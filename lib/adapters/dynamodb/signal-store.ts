// Signal sources and signal revisions in DynamoDB. A source item is keyed by its unguessable
// id alone, because signals arrive without a token; it carries its organization, and an index
// lists an organization's sources. A signal record keeps the latest revision per external id
// and only a newer revision may replace it.

import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SignalSource } from '../../domain/signal';
import type { SignalRecord, SignalStatus, SignalStore } from '../../ports/signal-store';
import { type Dynamo, isConditionFailure, oldItem } from './client';
import { INDEXES } from './keys';

const sourceKey = (sourceId: string) => ({ pk: `SOURCE#${sourceId}`, sk: 'SOURCE' });
const signalKey = (record: Pick<SignalRecord, 'orgId' | 'sourceId' | 'externalId'>) => ({
  pk: `ORG#${record.orgId}#SRC#${record.sourceId}#EXT#${encodeURIComponent(record.externalId)}`,
  sk: 'REV',
});
const UNAPPLIED_PK = 'SIGNALS#UNAPPLIED';

export class DynamoSignalStore implements SignalStore {
  constructor(private readonly db: Dynamo) {}

  async createSource(source: SignalSource, secretsRef: string) {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: this.sourceItem(source, secretsRef),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  private sourceItem(source: SignalSource, secretsRef: string) {
    return {
      ...sourceKey(source.sourceId),
      kind: 'source',
      gsi1pk: `ORG#${source.orgId}#SOURCES`,
      gsi1sk: `${source.createdAt}#${source.sourceId}`,
      source,
      secretsRef,
    };
  }

  async getSource(sourceId: string) {
    const result = await this.db.doc.send(
      new GetCommand({ TableName: this.db.table, Key: sourceKey(sourceId), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    return {
      source: result.Item.source as SignalSource,
      secretsRef: String(result.Item.secretsRef),
    };
  }

  async listSources(orgId: string) {
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        IndexName: INDEXES.history.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `ORG#${orgId}#SOURCES` },
      }),
    );
    return (result.Items ?? []).map((item) => item.source as SignalSource);
  }

  async saveSource(source: SignalSource, secretsRef: string, expectUpdatedAt: string) {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: this.sourceItem(source, secretsRef),
          ConditionExpression: '#s.updatedAt = :expected',
          ExpressionAttributeNames: { '#s': 'source' },
          ExpressionAttributeValues: { ':expected': expectUpdatedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordSignal(record: SignalRecord): Promise<'recorded' | 'duplicate' | 'stale'> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: {
            ...signalKey(record),
            kind: 'signal',
            ...record,
            // A sparse index of what still has to be applied.
            gsi3pk: UNAPPLIED_PK,
            gsi3sk: `${record.receivedAt}#${record.orgId}#${record.sourceId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR revision < :revision',
          ExpressionAttributeValues: { ':revision': record.revision },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return oldItem(error)?.revision === record.revision ? 'duplicate' : 'stale';
    }
  }

  async getSignal(orgId: string, sourceId: string, externalId: string) {
    const result = await this.db.doc.send(
      new GetCommand({
        TableName: this.db.table,
        Key: signalKey({ orgId, sourceId, externalId }),
        ConsistentRead: true,
      }),
    );
    if (!result.Item) return undefined;
    const { pk: _pk, sk: _sk, kind: _kind, gsi3pk: _g1, gsi3sk: _g2, ...record } = result.Item;
    return record as SignalRecord;
  }

  async settleSignal(
    record: SignalRecord,
    status: SignalStatus,
    result: { eventId?: string; outcome: string },
  ) {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: signalKey(record),
          ConditionExpression: 'revision = :revision',
          UpdateExpression:
            'SET #status = :status, outcome = :outcome, appliedAt = :now' +
            (result.eventId ? ', eventId = :eventId' : '') +
            ' REMOVE gsi3pk, gsi3sk',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revision': record.revision,
            ':status': status,
            ':outcome': result.outcome,
            ':now': new Date().toISOString(),
            ...(result.eventId ? { ':eventId': result.eventId } : {}),
          },
        }),
      );
    } catch (error) {
      // A newer revision replaced this one meanwhile; it will be settled by its own apply.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listUnapplied(olderThan: string) {
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        IndexName: INDEXES.live.name,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
        ExpressionAttributeValues: { ':pk': UNAPPLIED_PK, ':before': olderThan },
        Limit: 100,
      }),
    );
    return (result.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, kind: _kind, gsi3pk: _g1, gsi3sk: _g2, ...record } = item;
      return record as SignalRecord;
    });
  }
}
