// Fleet inventory: operators upsert miners in batches and page through them.

import type { Miner } from '../domain/fleet';
import { efficiencyJth } from '../domain/fleet';
import type { Caller, Deps } from './deps';

export async function upsertMiners(
  deps: Deps,
  caller: Caller,
  miners: Omit<Miner, 'telemetry' | 'claimEventId' | 'releasedAt'>[],
) {
  await deps.fleet.upsertMiners(caller.orgId, miners);
  deps.logger.info('miners upserted', { orgId: caller.orgId, count: miners.length });
  return { upserted: miners.length };
}

export async function listMiners(
  deps: Deps,
  caller: Caller,
  options: { pageSize: number; pageToken?: string; siteId?: string },
) {
  const page = await deps.fleet.listMiners(caller.orgId, options);
  return {
    miners: page.miners.map(minerView),
    nextPageToken: page.nextPageToken ?? null,
  };
}

function minerView(miner: Miner) {
  const { claimEventId, releasedAt: _releasedAt, telemetry, ...inventory } = miner;
  return {
    ...inventory,
    ...(telemetry
      ? {
          telemetry: {
            at: telemetry.at,
            powerW: telemetry.powerW,
            hashrateThs: telemetry.hashrateThs,
            efficiencyJth: efficiencyJth(telemetry) ?? null,
            curtailed: telemetry.curtailed ?? null,
            ...(telemetry.status ? { status: telemetry.status } : {}),
          },
        }
      : {}),
    ...(claimEventId ? { activeEventId: claimEventId } : {}),
  };
}
