// The single-table key layout. Every key starts with the tenant, so nothing is read or
// written without the caller's organization. See docs/architecture.md for the reasons.

/** Miner items spread over this many partitions per organization (telemetry write rate). */
export const FLEET_SHARDS = 16;
/** Target items of one event spread over this many partitions (wave write rate). */
export const TARGET_SHARDS = 16;
/** The cross-organization index of live events, read by the sweep. */
export const LIVE_SHARDS = 4;
/** Miner ids per plan chunk item (an ordered slice of the selection). */
export const PLAN_CHUNK = 500;
/** Skipped entries per snapshot chunk item (each well under the 400 KB item limit). */
export const SKIP_CHUNK = 2_000;

/** FNV-1a: a stable, cheap spread of ids over shards. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const keys = {
  fleetPk: (org: string, shard: number) => `ORG#${org}#FLEET#${pad(shard, 2)}`,
  miner: (org: string, minerId: string) => ({
    pk: keys.fleetPk(org, shardOf(minerId, FLEET_SHARDS)),
    sk: `MINER#${minerId}`,
  }),
  site: (org: string, siteId: string) => ({ pk: `ORG#${org}#SITES`, sk: `SITE#${siteId}` }),
  sitesPk: (org: string) => `ORG#${org}#SITES`,
  siteIndexPk: (org: string, siteId: string) => `ORG#${org}#SITE#${siteId}`,
  eventPk: (org: string, eventId: string) => `ORG#${org}#EVENT#${eventId}`,
  event: (org: string, eventId: string) => ({ pk: keys.eventPk(org, eventId), sk: 'META' }),
  planChunk: (org: string, eventId: string, chunk: number) => ({
    pk: keys.eventPk(org, eventId),
    sk: `PLAN#${pad(chunk, 5)}`,
  }),
  skipChunk: (org: string, eventId: string, chunk: number) => ({
    pk: keys.eventPk(org, eventId),
    sk: `SKIP#${pad(chunk, 5)}`,
  }),
  targetPk: (org: string, eventId: string, shard: number) =>
    `ORG#${org}#EVENT#${eventId}#T${pad(shard, 2)}`,
  target: (org: string, eventId: string, minerId: string) => ({
    pk: keys.targetPk(org, eventId, shardOf(minerId, TARGET_SHARDS)),
    sk: `MINER#${minerId}`,
  }),
  wave: (org: string, eventId: string, phase: string, wave: number) => ({
    pk: keys.eventPk(org, eventId),
    sk: `WAVE#${phase}#${pad(wave, 5)}`,
  }),
  settings: (org: string) => ({ pk: `ORG#${org}`, sk: 'SETTINGS' }),
  historyPk: (org: string) => `ORG#${org}#EVENTS`,
  auditFeedPk: (org: string) => `ORG#${org}#AUDIT`,
  statePk: (org: string, state: string) => `ORG#${org}#STATE#${state}`,
  livePk: (eventId: string) => `LIVE#${shardOf(eventId, LIVE_SHARDS)}`,
  heartbeat: () => ({ pk: 'RECONCILER', sk: 'HEARTBEAT' }),
};

/** Index names and their key attributes, shared by the adapter, the local stack and CDK. */
export const INDEXES = {
  history: { name: 'history', pk: 'gsi1pk', sk: 'gsi1sk' },
  byState: { name: 'by-state', pk: 'gsi2pk', sk: 'gsi2sk' },
  live: { name: 'live', pk: 'gsi3pk', sk: 'gsi3sk' },
  bySite: { name: 'by-site', pk: 'gsi4pk', sk: 'gsi4sk' },
} as const;
