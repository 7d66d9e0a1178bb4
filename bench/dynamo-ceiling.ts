// DynamoDB Local's raw write ceilings, on the product's table with items shaped like miner
// and target items: BatchWriteItem of 25, conditional UpdateItem (as telemetry does) and
// TransactWriteItems of 50 update+put pairs (as claims do). Rates are items per second.

import { BatchWriteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Dynamo } from '../lib/adapters/dynamodb/client';
import { lanes } from './fleet';

const SHARDS = 16;

interface Key {
  pk: string;
  sk: string;
}

function itemKeys(run: string, count: number): Key[] {
  return Array.from({ length: count }, (_, i) => ({
    pk: `BENCH#${run}#${String(i % SHARDS).padStart(2, '0')}`,
    sk: `MINER#ceiling-${String(i).padStart(6, '0')}`,
  }));
}

function minerLike(key: Key, i: number) {
  return {
    ...key,
    orgId: 'bench-ceiling',
    minerId: key.sk.slice(6),
    siteId: `bench-${'abcde'[i % 5]}`,
    model: 'Antminer S19j Pro',
    nominalPowerW: 3_068,
    nominalHashrateThs: 104,
    status: 'online',
    commandable: true,
    capabilities: ['curtail_full'],
    updatedAt: new Date().toISOString(),
  };
}

async function timedRate(items: number, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return items / ((performance.now() - started) / 1000);
}

/** BatchWriteItem, 25 items per call, 4 calls in flight; unprocessed items are resent. */
export function batchWriteRate(db: Dynamo, run: string, count: number) {
  const keys = itemKeys(run, count);
  const batches: Key[][] = [];
  for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
  return timedRate(count, () =>
    lanes(batches, 4, async (batch) => {
      let pending = batch.map((key, i) => ({ PutRequest: { Item: minerLike(key, i) } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 10) throw new Error('batch write did not complete');
        const result = await db.doc.send(
          new BatchWriteCommand({ RequestItems: { [db.table]: pending } }),
        );
        pending = (result.UnprocessedItems?.[db.table] ?? []) as typeof pending;
      }
    }),
  );
}

/** Conditional UpdateItem of a telemetry sample on existing items, 32 in flight. */
export function conditionalUpdateRate(db: Dynamo, run: string, count: number) {
  const keys = itemKeys(run, count);
  const at = new Date().toISOString();
  return timedRate(count, () =>
    lanes(keys, 32, async (key) => {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key,
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(tel) OR tel.#at < :at)',
          UpdateExpression: 'SET tel = :tel',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: {
            ':at': at,
            ':tel': { at, powerW: 3_068, hashrateThs: 104, status: 'online' },
          },
        }),
      );
    }),
  );
}

/** TransactWriteItems of 100 items (50 conditional updates + 50 puts), 8 in flight. */
export function transactionRate(db: Dynamo, run: string, count: number) {
  const keys = itemKeys(run, count / 2);
  const groups: Key[][] = [];
  for (let i = 0; i < keys.length; i += 50) groups.push(keys.slice(i, i + 50));
  const eventId = `ceiling-${run}`;
  return timedRate(count, () =>
    lanes(groups, 8, async (group) => {
      await db.doc.send(
        new TransactWriteCommand({
          TransactItems: group.flatMap((key, i) => [
            {
              Update: {
                TableName: db.table,
                Key: key,
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(claimEventId)',
                UpdateExpression: 'SET claimEventId = :e, claimedAt = :now',
                ExpressionAttributeValues: { ':e': eventId, ':now': new Date().toISOString() },
              },
            },
            {
              Put: {
                TableName: db.table,
                Item: {
                  pk: `BENCH#${run}#T${String(i % SHARDS).padStart(2, '0')}`,
                  sk: key.sk,
                  kind: 'target',
                  eventId,
                  minerId: key.sk.slice(6),
                  seq: i,
                  phase: 'curtail',
                  state: 'pending',
                  retryCount: 0,
                  baselinePowerW: 3_068,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]),
        }),
      );
    }),
  );
}
