// Plans, targets and waves of an event in DynamoDB. Targets of one event are spread over
// TARGET_SHARDS partitions so a large wave's confirmations are not throttled by one partition.

import {
  BatchGetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TargetPhase, TargetState } from '../../domain/event';
import type { TargetPage, TargetUpdate, WaveRecord } from '../../ports/event-store';
import { chunk, type Dynamo, isConditionFailure, isTransactionCanceled, mapLimit } from './client';
import { toTarget, updateClauses } from './event-items';
import { keys, PLAN_CHUNK, TARGET_SHARDS } from './keys';
import { mergeOrdered } from './merge';

function toWave(item: Record<string, unknown>): WaveRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...wave } = item;
  return wave as unknown as WaveRecord;
}

export class DynamoTargetStore {
  constructor(protected readonly db: Dynamo) {}

  async planSlice(orgId: string, eventId: string, from: number, to: number): Promise<string[]> {
    if (to <= from) return [];
    const first = Math.floor(from / PLAN_CHUNK);
    const last = Math.floor((to - 1) / PLAN_CHUNK);
    const chunkKeys = Array.from({ length: last - first + 1 }, (_, i) =>
      keys.planChunk(orgId, eventId, first + i),
    );
    const items = await this.batchGet(chunkKeys);
    items.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
    const ids = items.flatMap((item) => item.minerIds as string[]);
    // An empty id marks an admission that failed: no target stands at that position.
    return ids.slice(from - first * PLAN_CHUNK, to - first * PLAN_CHUNK).filter(Boolean);
  }

  async getTargets(orgId: string, eventId: string, minerIds: string[]) {
    const items = await this.batchGet(minerIds.map((id) => keys.target(orgId, eventId, id)));
    return items.map(toTarget);
  }

  async listTargets(
    orgId: string,
    eventId: string,
    options: { pageSize: number; afterMinerId?: string },
  ): Promise<TargetPage> {
    const cursors = Array.from({ length: TARGET_SHARDS }, (_, shard) => {
      let startKey: Record<string, unknown> | undefined;
      return {
        fetch: async (limit: number) => {
          const after = options.afterMinerId;
          const result = await this.db.doc.send(
            new QueryCommand({
              TableName: this.db.table,
              KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
              ExpressionAttributeValues: {
                ':pk': keys.targetPk(orgId, eventId, shard),
                ...(after ? { ':after': `MINER#${after}` } : {}),
              },
              ExclusiveStartKey: startKey,
              Limit: limit,
            }),
          );
          startKey = result.LastEvaluatedKey;
          return { items: (result.Items ?? []).map(toTarget), done: !startKey };
        },
      };
    });
    const page = await mergeOrdered(cursors, options.pageSize, (target) => target.minerId);
    const last = page.items.at(-1);
    return {
      targets: page.items,
      nextPageToken: !page.exhausted && last ? last.minerId : undefined,
    };
  }

  async targetStates(orgId: string, eventId: string) {
    const items = await this.queryTargets(
      orgId,
      eventId,
      'minerId, seq, phase, #state, curtailFailed',
    );
    return items.map((item) => ({
      minerId: String(item.minerId),
      seq: Number(item.seq),
      phase: item.phase as TargetPhase,
      state: item.state as TargetState,
      curtailFailed: item.curtailFailed === true,
    }));
  }

  async releaseClaims(orgId: string, eventId: string, minerIds: string[]): Promise<number> {
    const claimed = (await this.batchGet(minerIds.map((id) => keys.miner(orgId, id)))).filter(
      (item) => item.claimEventId === eventId,
    );
    const released = await mapLimit(claimed, 16, async (item) => {
      try {
        await this.db.doc.send(
          new UpdateCommand({
            TableName: this.db.table,
            Key: { pk: String(item.pk), sk: String(item.sk) },
            ConditionExpression: 'claimEventId = :e',
            UpdateExpression: 'REMOVE claimEventId, claimedAt SET releasedAt = :now',
            ExpressionAttributeValues: { ':e': eventId, ':now': new Date().toISOString() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    });
    return released.filter(Boolean).length;
  }

  async putWave(orgId: string, eventId: string, wave: WaveRecord): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...keys.wave(orgId, eventId, wave.phase, wave.wave), kind: 'wave', ...wave },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async putWaves(orgId: string, eventId: string, waves: WaveRecord[]): Promise<boolean[]> {
    const results: boolean[] = [];
    for (const batch of chunk(waves, 100)) {
      try {
        await this.db.doc.send(
          new TransactWriteCommand({
            TransactItems: batch.map((wave) => ({
              Put: {
                TableName: this.db.table,
                Item: {
                  ...keys.wave(orgId, eventId, wave.phase, wave.wave),
                  kind: 'wave',
                  ...wave,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          }),
        );
        results.push(...batch.map(() => true));
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        // Some were recorded by an interrupted step: sort them out one by one.
        for (const wave of batch) results.push(await this.putWave(orgId, eventId, wave));
      }
    }
    return results;
  }

  async getWaves(orgId: string, eventId: string, phase: TargetPhase, waves: number[]) {
    const items = await this.batchGet(waves.map((wave) => keys.wave(orgId, eventId, phase, wave)));
    return items.map(toWave).sort((a, b) => a.wave - b.wave);
  }

  async retryWave(orgId: string, eventId: string, wave: WaveRecord, sentAt: string) {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.wave(orgId, eventId, wave.phase, wave.wave),
          ConditionExpression: 'attempt = :attempt',
          UpdateExpression: 'SET attempt = :next, lastSentAt = :at',
          ExpressionAttributeValues: {
            ':attempt': wave.attempt,
            ':next': wave.attempt + 1,
            ':at': sentAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async settleWave(orgId: string, eventId: string, wave: WaveRecord, settledAt: string) {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.wave(orgId, eventId, wave.phase, wave.wave),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(settledAt)',
          UpdateExpression: 'SET settledAt = :at',
          ExpressionAttributeValues: { ':at': settledAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async updateTargets(orgId: string, eventId: string, updates: TargetUpdate[]) {
    const won = new Set<string>();
    await mapLimit(updates, 16, async (update) => {
      if (await this.updateTarget(orgId, eventId, update)) won.add(update.minerId);
    });
    return won;
  }

  private async updateTarget(orgId: string, eventId: string, update: TargetUpdate) {
    const clauses = updateClauses(update.set, 'u');
    const condition =
      'phase = :ephase AND #state = :estate' +
      (update.expect.commandId ? ' AND commandId = :ecmd' : '');
    const targetUpdate = {
      TableName: this.db.table,
      Key: keys.target(orgId, eventId, update.minerId),
      ConditionExpression: condition,
      UpdateExpression:
        (clauses.set.length ? `SET ${clauses.set.join(', ')}` : '') +
        (clauses.remove.length ? ` REMOVE ${clauses.remove.join(', ')}` : ''),
      ExpressionAttributeNames: { ...clauses.names, '#state': 'state' },
      ExpressionAttributeValues: {
        ...clauses.values,
        ':ephase': update.expect.phase,
        ':estate': update.expect.state,
        ...(update.expect.commandId ? { ':ecmd': update.expect.commandId } : {}),
      },
    };
    try {
      if (!update.releaseClaim) {
        await this.db.doc.send(new UpdateCommand(targetUpdate));
        return true;
      }
      await this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: targetUpdate },
            {
              Update: {
                TableName: this.db.table,
                Key: keys.miner(orgId, update.minerId),
                ConditionExpression: 'claimEventId = :e',
                UpdateExpression: 'REMOVE claimEventId, claimedAt SET releasedAt = :now',
                ExpressionAttributeValues: { ':e': eventId, ':now': new Date().toISOString() },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error) || isTransactionCanceled(error)) return false;
      throw error;
    }
  }

  protected async queryTargets(orgId: string, eventId: string, projection: string) {
    const shards = await Promise.all(
      Array.from({ length: TARGET_SHARDS }, (_, shard) =>
        this.queryPartition(keys.targetPk(orgId, eventId, shard), projection),
      ),
    );
    return shards.flat();
  }

  protected async queryPartition(pk: string, projection: string, prefix?: string) {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    const names: Record<string, string> = {};
    if (projection.includes('#state')) names['#state'] = 'state';
    do {
      const result = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.table,
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':p': prefix } : {}) },
          ProjectionExpression: [...new Set(['sk', ...projection.split(/,\s*/)])].join(', '),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  protected async batchGet(keyList: Record<string, string>[]) {
    const results = await mapLimit(chunk(keyList, 100), 8, async (batch) => {
      const items: Record<string, unknown>[] = [];
      let pending: Record<string, unknown>[] = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('batch get did not complete');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        const result = await this.db.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.db.table]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        items.push(...(result.Responses?.[this.db.table] ?? []));
        pending = result.UnprocessedKeys?.[this.db.table]?.Keys ?? [];
      }
      return items;
    });
    return results.flat();
  }
}
