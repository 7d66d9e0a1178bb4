// Events, plans and targets in DynamoDB. A start claims miners in transactions of up to 50
// miner/target pairs under an event kept in `claiming`, so a crash or a conflict midway can
// be rolled back and no reader ever sees a half-claimed event as live.

import {
  DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, StateRaceLostError } from '../../domain/errors';
import {
  type CurtailmentEvent,
  type EventState,
  isTerminal,
  type Progress,
  type Target,
} from '../../domain/event';
import type { Skipped } from '../../domain/plan';
import type { EventPatch, EventStore, NewEvent, StoredEvent } from '../../ports/event-store';
import { CLAIMS_PER_TRANSACTION, claimMiners } from './claims';
import { chunk, isConditionFailure, mapLimit, oldItem } from './client';
import { indexKeys, toStoredEvent, updateClauses } from './event-items';
import { DynamoEventQueries } from './event-queries';
import { freeRecord, idempotencyKeys, putEventWithRecords, recordedEventId } from './idempotency';
import { keys, PLAN_CHUNK, SKIP_CHUNK } from './keys';

export class DynamoEventStore extends DynamoEventQueries implements EventStore {
  async createEvent({ event, targets, skipped }: NewEvent): Promise<void> {
    const { orgId, eventId } = event;
    await putEventWithRecords(this.db, event);

    const ordered = [...targets].sort((a, b) => a.seq - b.seq).map((t) => t.minerId);
    const planItems = chunk(ordered, PLAN_CHUNK).map((minerIds, index) => ({
      ...keys.planChunk(orgId, eventId, index),
      kind: 'plan',
      minerIds,
    }));
    const skipItems = chunk(skipped, SKIP_CHUNK).map((entries, index) => ({
      ...keys.skipChunk(orgId, eventId, index),
      kind: 'skipped',
      entries: entries.map((entry) => [entry.minerId, entry.reason]),
    }));
    await mapLimit([...planItems, ...skipItems], 8, (item) =>
      this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );

    await claimMiners(this.db, event, targets);
  }

  async reserveTargets(
    orgId: string,
    eventId: string,
    count: number,
    expectTargetCount: number,
    leaseOwner: string,
  ): Promise<number | undefined> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.event(orgId, eventId),
          ConditionExpression:
            'targetCount = :n AND #state = :active AND lease.#owner = :owner AND ' +
            'attribute_not_exists(terminating)',
          UpdateExpression: 'SET targetCount = targetCount + :k',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':n': expectTargetCount,
            ':k': count,
            ':active': 'active',
            ':owner': leaseOwner,
          },
        }),
      );
      return expectTargetCount;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async admitTargets(event: CurtailmentEvent, targets: Target[]): Promise<boolean> {
    try {
      await claimMiners(this.db, event, targets);
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw error;
    }
  }

  async appendPlan(orgId: string, eventId: string, fromSeq: number, minerIds: string[]) {
    let seq = fromSeq;
    while (seq < fromSeq + minerIds.length) {
      const chunkIndex = Math.floor(seq / PLAN_CHUNK);
      const offset = seq - chunkIndex * PLAN_CHUNK;
      const take = Math.min(PLAN_CHUNK - offset, fromSeq + minerIds.length - seq);
      const ids = minerIds.slice(seq - fromSeq, seq - fromSeq + take);
      try {
        await this.db.doc.send(
          new UpdateCommand({
            TableName: this.db.table,
            Key: keys.planChunk(orgId, eventId, chunkIndex),
            // Positions are the selection order: an append lands exactly after what is there.
            ConditionExpression:
              offset === 0 ? 'attribute_not_exists(pk)' : 'size(minerIds) = :offset',
            UpdateExpression:
              'SET minerIds = list_append(if_not_exists(minerIds, :empty), :ids), kind = :kind',
            ExpressionAttributeValues: {
              ':ids': ids,
              ':empty': [],
              ':kind': 'plan',
              ...(offset === 0 ? {} : { ':offset': offset }),
            },
          }),
        );
      } catch (error) {
        // Already appended by an earlier, interrupted attempt.
        if (!isConditionFailure(error)) throw error;
      }
      seq += take;
    }
  }

  async rollbackEvent(orgId: string, eventId: string): Promise<void> {
    const targets = await this.queryTargets(orgId, eventId, 'minerId');
    await mapLimit(chunk(targets, CLAIMS_PER_TRANSACTION), 8, (batch) =>
      this.db.doc.send(
        new TransactWriteCommand({
          TransactItems: batch.flatMap((item) => {
            const minerId = String(item.minerId);
            return [
              {
                Delete: { TableName: this.db.table, Key: keys.target(orgId, eventId, minerId) },
              },
              {
                Update: {
                  TableName: this.db.table,
                  Key: keys.miner(orgId, minerId),
                  ConditionExpression: 'claimEventId = :e',
                  UpdateExpression: 'REMOVE claimEventId, claimedAt',
                  ExpressionAttributeValues: { ':e': eventId },
                },
              },
            ];
          }),
        }),
      ),
    );
    const parts = await this.queryPartition(keys.eventPk(orgId, eventId), 'sk');
    await mapLimit(
      parts.filter((item) => item.sk !== 'META'),
      8,
      (item) =>
        this.db.doc.send(
          new DeleteCommand({
            TableName: this.db.table,
            Key: { pk: keys.eventPk(orgId, eventId), sk: String(item.sk) },
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
    );
    const event = await this.getEvent(orgId, eventId);
    if (event) await this.freeIdempotency(event);
    try {
      await this.db.doc.send(
        new DeleteCommand({
          TableName: this.db.table,
          Key: keys.event(orgId, eventId),
          ConditionExpression: '#state = :claiming',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claiming': 'claiming' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getSkipped(orgId: string, eventId: string): Promise<Skipped[]> {
    const result = await this.queryPartition(keys.eventPk(orgId, eventId), 'entries', 'SKIP#');
    return result.flatMap((item) =>
      (item.entries as [string, Skipped['reason']][]).map(([minerId, reason]) => ({
        minerId,
        reason,
      })),
    );
  }

  /** The live event an idempotency key or external pair names, if any (stale records freed). */
  async findByIdempotency(
    orgId: string,
    channel: 'key' | 'pair',
    identity: Pick<CurtailmentEvent, 'idempotencyKey' | 'externalSource' | 'externalReference'>,
  ): Promise<StoredEvent | undefined> {
    const key = idempotencyKeys(orgId, identity)[channel];
    if (!key) return undefined;
    const eventId = await recordedEventId(this.db, key);
    if (!eventId) return undefined;
    const event = await this.getEvent(orgId, eventId);
    if (event && !isTerminal(event.state)) return event;
    // The event ended (or never finished starting) without freeing its record: free it now.
    await freeRecord(this.db, key, eventId);
    return undefined;
  }

  private async freeIdempotency(event: StoredEvent) {
    const records = idempotencyKeys(event.orgId, event);
    for (const key of [records.key, records.pair]) {
      if (key) await freeRecord(this.db, key, event.eventId);
    }
  }

  async patchEvent(orgId: string, eventId: string, patch: EventPatch): Promise<StoredEvent> {
    const now = new Date().toISOString();
    const fields: Record<string, unknown> = { ...patch.set, updatedAt: now };
    if (patch.set.state) Object.assign(fields, indexKeys(orgId, eventId, patch.set.state));
    const clauses = updateClauses(fields, 'f');
    const remove = [...clauses.remove];
    const terminal = patch.set.state !== undefined && isTerminal(patch.set.state);
    if (terminal) remove.push('gsi3pk', 'gsi3sk', 'lease');
    if (patch.clearWakeToken) remove.push('wakeToken');
    const stateValues = Object.fromEntries(patch.expectStates.map((s, i) => [`:s${i}`, s]));
    let condition = `#state IN (${Object.keys(stateValues).join(', ')})`;
    if (patch.requireNoLease)
      condition += ' AND (attribute_not_exists(lease) OR lease.expiresAt < :now)';
    try {
      const result = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.event(orgId, eventId),
          ConditionExpression: condition,
          UpdateExpression:
            `SET ${[...clauses.set, 'rev = rev + :one'].join(', ')}` +
            (remove.length ? ` REMOVE ${remove.join(', ')}` : ''),
          ExpressionAttributeNames: { ...clauses.names, '#state': 'state' },
          ExpressionAttributeValues: {
            ...clauses.values,
            ...stateValues,
            ':one': 1,
            ...(patch.requireNoLease ? { ':now': now } : {}),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const stored = toStoredEvent(result.Attributes ?? {});
      if (terminal) await this.freeIdempotency(stored);
      return stored;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = oldItem(error);
      throw new StateRaceLostError(
        `event ${eventId} is not in ${patch.expectStates.join('|')}`,
        current ? (toStoredEvent(current) as unknown as Record<string, unknown>) : undefined,
        { cause: error },
      );
    }
  }

  async setProgress(orgId: string, eventId: string, progress: Progress, leaseOwner: string) {
    return this.conditionalUpdate(
      orgId,
      eventId,
      'SET progress = :p',
      'lease.#owner = :owner',
      { ':p': progress, ':owner': leaseOwner },
      { '#owner': 'owner' },
    );
  }

  async storeWakeToken(orgId: string, eventId: string, token: string, rev: number) {
    return this.conditionalUpdate(orgId, eventId, 'SET wakeToken = :t', 'rev = :rev', {
      ':t': token,
      ':rev': rev,
    });
  }

  async recordExecution(orgId: string, eventId: string, executionName: string) {
    await this.conditionalUpdate(orgId, eventId, 'SET executionName = :x', 'attribute_exists(pk)', {
      ':x': executionName,
    });
  }

  async acquireLease(
    orgId: string,
    eventId: string,
    owner: string,
    ttlMs: number,
    states: EventState[],
  ): Promise<boolean> {
    const now = new Date();
    const stateValues = Object.fromEntries(states.map((s, i) => [`:s${i}`, s]));
    return this.conditionalUpdate(
      orgId,
      eventId,
      'SET lease = :lease',
      `#state IN (${Object.keys(stateValues).join(', ')}) AND ` +
        '(attribute_not_exists(lease) OR lease.expiresAt < :now OR lease.#owner = :owner) AND ' +
        // An admin ending in progress forbids any further publishing for the event.
        'attribute_not_exists(terminating)',
      {
        ...stateValues,
        ':lease': { owner, expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
        ':now': now.toISOString(),
        ':owner': owner,
      },
      { '#state': 'state', '#owner': 'owner' },
    );
  }

  async releaseLease(orgId: string, eventId: string, owner: string) {
    await this.conditionalUpdate(
      orgId,
      eventId,
      'REMOVE lease',
      'lease.#owner = :owner',
      {
        ':owner': owner,
      },
      { '#owner': 'owner' },
    );
  }

  private async conditionalUpdate(
    orgId: string,
    eventId: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.event(orgId, eventId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
