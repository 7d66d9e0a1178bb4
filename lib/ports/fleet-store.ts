// Fleet inventory and latest telemetry, as the use cases need them.

import type { Miner, TelemetrySample } from '../domain/fleet';

export interface MinerPage {
  miners: Miner[];
  nextPageToken: string | undefined;
}

export interface TelemetryWrite {
  minerId: string;
  sample: TelemetrySample;
}

export interface FleetStore {
  /** Creates or updates inventory fields; telemetry and claims are left as they are. */
  upsertMiners(orgId: string, miners: Omit<Miner, 'telemetry'>[]): Promise<void>;
  listMiners(
    orgId: string,
    options: { pageSize: number; pageToken?: string; siteId?: string },
  ): Promise<MinerPage>;
  /** Every miner of the organization (for the selector). */
  loadFleet(orgId: string): Promise<Miner[]>;
  getMiners(orgId: string, minerIds: string[]): Promise<Map<string, Miner>>;
  knownSites(orgId: string, siteIds: string[]): Promise<Set<string>>;
  /**
   * Stores samples newer than the stored ones, for miners of that site only; returns how
   * many were written.
   */
  writeTelemetry(orgId: string, siteId: string, samples: TelemetryWrite[]): Promise<number>;
}
