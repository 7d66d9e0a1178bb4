// Claiming miners for a new event, 50 miner/target pairs per transaction and several
// transactions at once. Two starts racing for the same miners must not both lose: when a
// claim is held by another start that is still claiming, the older start (UUIDv7 order) keeps
// trying and the younger one gives way, so exactly one of them wins.

import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AlreadyExistsError } from '../../domain/errors';
import type { CurtailmentEvent, Target } from '../../domain/event';
import { chunk, type Dynamo, isTransactionCanceled, mapLimit } from './client';
import { targetItem } from './event-items';
import { keys } from './keys';

export const CLAIMS_PER_TRANSACTION = 50;
const PARALLEL_TRANSACTIONS = 8;
/** How long an older start waits for a younger one to give its claims back. */
const YIELD_WAIT_MS = 10_000;

type Outcome = { kind: 'claimed' } | { kind: 'lost'; minerIds: string[] } | { kind: 'retry' };

export async function claimMiners(db: Dynamo, event: CurtailmentEvent, targets: Target[]) {
  let lost: string[] | undefined;
  await mapLimit(chunk(targets, CLAIMS_PER_TRANSACTION), PARALLEL_TRANSACTIONS, async (batch) => {
    const giveUpAt = Date.now() + YIELD_WAIT_MS;
    for (let attempt = 0; !lost; attempt++) {
      const outcome = await claimBatch(db, event, batch);
      if (outcome.kind === 'claimed') return;
      if (outcome.kind === 'lost' || Date.now() > giveUpAt) {
        lost = outcome.kind === 'lost' ? outcome.minerIds : batch.map((t) => t.minerId);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, 20 * 2 ** attempt)));
    }
  });
  if (lost) {
    throw new AlreadyExistsError(
      'one or more selected miners already belong to a live event; retry',
      'device_already_curtailed',
      { minerIds: lost.slice(0, 100) },
    );
  }
}

async function claimBatch(db: Dynamo, event: CurtailmentEvent, batch: Target[]): Promise<Outcome> {
  const { orgId, eventId } = event;
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: batch.flatMap((target) => [
          {
            Update: {
              TableName: db.table,
              Key: keys.miner(orgId, target.minerId),
              ConditionExpression:
                'attribute_exists(pk) AND (attribute_not_exists(claimEventId) OR claimEventId = :e)',
              UpdateExpression: 'SET claimEventId = :e, claimedAt = :now',
              ExpressionAttributeValues: { ':e': eventId, ':now': event.createdAt },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            },
          },
          {
            Put: {
              TableName: db.table,
              Item: targetItem(orgId, eventId, target),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]),
      }),
    );
    return { kind: 'claimed' };
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    return judgeConflict(db, event, batch, error.CancellationReasons ?? []);
  }
}

async function judgeConflict(
  db: Dynamo,
  event: CurtailmentEvent,
  batch: Target[],
  reasons: CancellationReason[],
): Promise<Outcome> {
  const holders = new Map<string, string[]>();
  for (const [i, target] of batch.entries()) {
    const reason = reasons[i * 2];
    if (reason?.Code !== 'ConditionalCheckFailed') continue;
    const old = reason.Item ? unmarshall(reason.Item) : undefined;
    // A miner missing from the fleet is a lost claim too (it was deleted since selection).
    const holder = typeof old?.claimEventId === 'string' ? old.claimEventId : '';
    holders.set(holder, [...(holders.get(holder) ?? []), target.minerId]);
  }
  // Nothing failed its condition: a concurrent write conflicted; try the batch again.
  if (holders.size === 0) return { kind: 'retry' };
  for (const [holder, minerIds] of holders) {
    if (!holder || holder < event.eventId) return { kind: 'lost', minerIds };
    if (!(await stillClaiming(db, event.orgId, holder))) return { kind: 'lost', minerIds };
  }
  return { kind: 'retry' };
}

async function stillClaiming(db: Dynamo, orgId: string, eventId: string): Promise<boolean> {
  const result = await db.doc.send(
    new GetCommand({
      TableName: db.table,
      Key: keys.event(orgId, eventId),
      ProjectionExpression: '#state',
      ExpressionAttributeNames: { '#state': 'state' },
      ConsistentRead: true,
    }),
  );
  return result.Item?.state === 'claiming';
}
