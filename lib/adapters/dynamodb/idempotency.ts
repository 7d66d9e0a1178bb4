// Idempotency records: an Idempotency-Key and an (externalSource, externalReference) pair each
// name at most one non-terminal event per organization. They are created in the same
// transaction as the event, so concurrent duplicates cannot both insert, and freed when the
// event ends; a record left pointing at an ended event is treated as free.

import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyRaceError } from '../../domain/errors';
import type { CurtailmentEvent } from '../../domain/event';
import { type Dynamo, isConditionFailure, isTransactionCanceled } from './client';
import { eventItem } from './event-items';

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

export function idempotencyKeys(
  orgId: string,
  event: Pick<CurtailmentEvent, 'idempotencyKey' | 'externalSource' | 'externalReference'>,
) {
  return {
    key: event.idempotencyKey
      ? { pk: `ORG#${orgId}#IDEM#${digest(event.idempotencyKey)}`, sk: 'KEY' }
      : undefined,
    // Hashing each part keeps ("a#b","c") and ("a","b#c") apart.
    pair:
      event.externalSource && event.externalReference
        ? {
            pk: `ORG#${orgId}#EXT#${digest(event.externalSource)}#${digest(event.externalReference)}`,
            sk: 'KEY',
          }
        : undefined,
  };
}

/** Writes the event (in `claiming`) together with its idempotency records. */
export async function putEventWithRecords(db: Dynamo, event: CurtailmentEvent): Promise<void> {
  const records = idempotencyKeys(event.orgId, event);
  const channels = (['key', 'pair'] as const).filter((channel) => records[channel]);
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.table,
              Item: eventItem({ ...event, state: 'claiming' }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...channels.map((channel) => ({
            Put: {
              TableName: db.table,
              Item: { ...records[channel], kind: 'idempotency', channel, eventId: event.eventId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const lost = channels.find((_, i) => reasons[i + 1]?.Code === 'ConditionalCheckFailed');
    if (lost) throw new IdempotencyRaceError(lost);
    throw error;
  }
}

export async function recordedEventId(db: Dynamo, key: { pk: string; sk: string }) {
  const result = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }),
  );
  return typeof result.Item?.eventId === 'string' ? result.Item.eventId : undefined;
}

/** Frees a record, but only if it still names this event. */
export async function freeRecord(db: Dynamo, key: { pk: string; sk: string }, eventId: string) {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.table,
        Key: key,
        ConditionExpression: 'eventId = :e',
        ExpressionAttributeValues: { ':e': eventId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
