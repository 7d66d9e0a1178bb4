// Fleet inventory and latest telemetry in DynamoDB. Miners are spread over FLEET_SHARDS
// partitions per organization so a large fleet reporting every minute stays under the
// per-partition write ceiling; a keys-only index lists one site.

import { BatchGetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FailedPreconditionError } from '../../domain/errors';
import type { Miner, MinerStatus, TelemetrySample } from '../../domain/fleet';
import { decodeToken, encodeToken, tokenString } from '../../domain/page-token';
import type { FleetStore, MinerPage, TelemetryWrite } from '../../ports/fleet-store';
import { chunk, type Dynamo, isConditionFailure, mapLimit } from './client';
import { FLEET_SHARDS, INDEXES, keys } from './keys';
import { mergeOrdered, type ShardCursor } from './merge';

const MINER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface MinerItem {
  pk: string;
  sk: string;
  minerId: string;
  siteId: string;
  model: string;
  nominalPowerW: number;
  nominalHashrateThs: number;
  status: MinerStatus;
  commandable: boolean;
  capabilities: string[];
  tel?: TelemetrySample;
  claimEventId?: string;
  releasedAt?: string;
}

export function toMiner(item: MinerItem): Miner {
  return {
    minerId: item.minerId,
    siteId: item.siteId,
    model: item.model,
    nominalPowerW: item.nominalPowerW,
    nominalHashrateThs: item.nominalHashrateThs,
    status: item.status,
    commandable: item.commandable,
    capabilities: item.capabilities,
    ...(item.tel ? { telemetry: item.tel } : {}),
    ...(item.claimEventId ? { claimEventId: item.claimEventId } : {}),
    ...(item.releasedAt ? { releasedAt: item.releasedAt } : {}),
  };
}

export class DynamoFleetStore implements FleetStore {
  constructor(private readonly db: Dynamo) {}

  async upsertMiners(orgId: string, miners: Omit<Miner, 'telemetry'>[]): Promise<void> {
    const moved: string[] = [];
    await mapLimit(miners, 16, async (miner) => {
      try {
        await this.db.doc.send(
          new UpdateCommand({
            TableName: this.db.table,
            Key: keys.miner(orgId, miner.minerId),
            // A claimed miner keeps its site until its event lets it go: the event's
            // targets and the site index must agree while commands are in flight.
            ConditionExpression:
              'attribute_not_exists(pk) OR attribute_not_exists(claimEventId) OR siteId = :site',
            UpdateExpression:
              'SET orgId = :org, minerId = :id, siteId = :site, model = :model, ' +
              'nominalPowerW = :pw, nominalHashrateThs = :hr, #status = :status, ' +
              'commandable = :cmd, capabilities = :caps, gsi4pk = :sitePk, gsi4sk = :id, ' +
              'updatedAt = :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':org': orgId,
              ':id': miner.minerId,
              ':site': miner.siteId,
              ':model': miner.model,
              ':pw': miner.nominalPowerW,
              ':hr': miner.nominalHashrateThs,
              ':status': miner.status,
              ':cmd': miner.commandable,
              ':caps': miner.capabilities,
              ':sitePk': keys.siteIndexPk(orgId, miner.siteId),
              ':now': new Date().toISOString(),
            },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        moved.push(miner.minerId);
      }
    });
    // Sites are registered only for miners that were saved: a refused move adds no site.
    const refused = new Set(moved);
    const sites = [...new Set(miners.filter((m) => !refused.has(m.minerId)).map((m) => m.siteId))];
    await mapLimit(sites, 8, (siteId) => this.ensureSite(orgId, siteId));
    if (moved.length > 0) {
      throw new FailedPreconditionError(
        'a miner owned by a live event cannot change site; the other miners were saved',
        'miner_claimed',
        { minerIds: moved.slice(0, 100) },
      );
    }
  }

  private async ensureSite(orgId: string, siteId: string) {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.table,
          Item: { ...keys.site(orgId, siteId), siteId, createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async knownSites(orgId: string, siteIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const batch of chunk([...new Set(siteIds)], 100)) {
      const items = await this.batchGet(batch.map((siteId) => keys.site(orgId, siteId)));
      for (const item of items) found.add(String(item.siteId));
    }
    return found;
  }

  async listMiners(
    orgId: string,
    options: { pageSize: number; pageToken?: string; siteId?: string },
  ): Promise<MinerPage> {
    const after = options.pageToken
      ? tokenString(
          decodeToken(options.pageToken, { org: orgId, site: options.siteId }),
          'after',
          MINER_ID,
        )
      : undefined;
    const page = options.siteId
      ? await this.sitePage(orgId, options.siteId, after, options.pageSize)
      : await this.fleetPage(orgId, after, options.pageSize);
    const last = page.miners.at(-1);
    return {
      miners: page.miners,
      nextPageToken:
        !page.exhausted && last
          ? encodeToken({ org: orgId, site: options.siteId, after: last.minerId })
          : undefined,
    };
  }

  private async fleetPage(orgId: string, after: string | undefined, take: number) {
    const page = await mergeOrdered(
      Array.from({ length: FLEET_SHARDS }, (_, shard) =>
        this.shardCursor(keys.fleetPk(orgId, shard), after),
      ),
      take,
      (item) => item.minerId,
    );
    return { miners: page.items.map(toMiner), exhausted: page.exhausted };
  }

  private async sitePage(orgId: string, siteId: string, after: string | undefined, take: number) {
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        IndexName: INDEXES.bySite.name,
        KeyConditionExpression: after ? 'gsi4pk = :pk AND gsi4sk > :after' : 'gsi4pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.siteIndexPk(orgId, siteId),
          ...(after ? { ':after': after } : {}),
        },
        Limit: take,
      }),
    );
    const ids = (result.Items ?? []).map((item) => String(item.gsi4sk));
    const byId = await this.getMiners(orgId, ids);
    const miners = ids.flatMap((id) => {
      const miner = byId.get(id);
      return miner ? [miner] : [];
    });
    return { miners, exhausted: !result.LastEvaluatedKey };
  }

  private shardCursor(pk: string, after: string | undefined): ShardCursor<MinerItem> {
    let startKey: Record<string, unknown> | undefined;
    let first = true;
    return {
      fetch: async (limit) => {
        const result = await this.db.doc.send(
          new QueryCommand({
            TableName: this.db.table,
            KeyConditionExpression:
              first && after ? 'pk = :pk AND sk > :after' : 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: {
              ':pk': pk,
              ...(first && after ? { ':after': `MINER#${after}` } : { ':p': 'MINER#' }),
            },
            ExclusiveStartKey: startKey,
            Limit: limit,
          }),
        );
        first = false;
        startKey = result.LastEvaluatedKey;
        return { items: (result.Items ?? []) as MinerItem[], done: !result.LastEvaluatedKey };
      },
    };
  }

  async loadFleet(orgId: string): Promise<Miner[]> {
    const shards = await Promise.all(
      Array.from({ length: FLEET_SHARDS }, (_, shard) => this.queryAll(keys.fleetPk(orgId, shard))),
    );
    return shards.flat().map(toMiner);
  }

  private async queryAll(pk: string): Promise<MinerItem[]> {
    const items: MinerItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((result.Items ?? []) as MinerItem[]));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async getMiners(orgId: string, minerIds: string[]): Promise<Map<string, Miner>> {
    const unique = [...new Set(minerIds)];
    const batches = await mapLimit(chunk(unique, 100), 8, (batch) =>
      this.batchGet(batch.map((minerId) => keys.miner(orgId, minerId))),
    );
    const out = new Map<string, Miner>();
    for (const item of batches.flat()) {
      out.set(String(item.minerId), toMiner(item as unknown as MinerItem));
    }
    return out;
  }

  private async batchGet(keyList: Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keyList;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const result = await this.db.doc.send(
        new BatchGetCommand({ RequestItems: { [this.db.table]: { Keys: pending } } }),
      );
      items.push(...(result.Responses?.[this.db.table] ?? []));
      pending = result.UnprocessedKeys?.[this.db.table]?.Keys ?? [];
      if (attempt > 8 && pending.length > 0) throw new Error('batch get did not complete');
    }
    return items;
  }

  async writeTelemetry(orgId: string, siteId: string, samples: TelemetryWrite[]) {
    const written = await mapLimit(samples, 16, (sample) =>
      this.writeSample(orgId, siteId, sample),
    );
    return written.filter(Boolean).length;
  }

  private async writeSample(orgId: string, siteId: string, { minerId, sample }: TelemetryWrite) {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.doc.send(
          new UpdateCommand({
            TableName: this.db.table,
            Key: keys.miner(orgId, minerId),
            // Only known miners of the reporting site, and only newer samples: a gateway
            // cannot report for another site, and late or replayed batches lose.
            ConditionExpression:
              'attribute_exists(pk) AND siteId = :site AND ' +
              '(attribute_not_exists(tel) OR tel.#at < :at)',
            UpdateExpression: 'SET tel = :tel',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':tel': sample, ':at': sample.at, ':site': siteId },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        // A claim transaction touching the same miner makes a plain write conflict: retry.
        const transient = (error as Error).name === 'TransactionConflictException';
        if (!transient || attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    }
  }
}
