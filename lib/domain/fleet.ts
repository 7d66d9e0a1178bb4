// Miners as the fleet inventory knows them, with the latest telemetry sample.

export const MINER_STATUSES = [
  'online',
  'offline',
  'maintenance',
  'updating',
  'reboot_required',
  'sleeping',
  'error',
  'unknown',
] as const;
export type MinerStatus = (typeof MINER_STATUSES)[number];

export interface TelemetrySample {
  at: string;
  powerW: number;
  hashrateThs: number;
  status?: MinerStatus;
  curtailed?: boolean;
}

export interface Miner {
  minerId: string;
  siteId: string;
  model: string;
  nominalPowerW: number;
  nominalHashrateThs: number;
  status: MinerStatus;
  commandable: boolean;
  capabilities: string[];
  telemetry?: TelemetrySample;
  /** The non-terminal event that owns this miner, if any. */
  claimEventId?: string;
  /** When the last event released this miner (for post-event cooldowns). */
  releasedAt?: string;
}

/**
 * The status the selector acts on: maintenance is an operator decision and wins; otherwise a
 * fresh telemetry status says more than the inventory record.
 */
export function effectiveStatus(miner: Miner): MinerStatus {
  if (miner.status === 'maintenance') return 'maintenance';
  return miner.telemetry?.status ?? miner.status;
}

/** Efficiency in J/TH from a sample, or undefined when it cannot be known. */
export function efficiencyJth(sample: TelemetrySample | undefined): number | undefined {
  if (!sample) return undefined;
  if (!(sample.powerW > 0) || !(sample.hashrateThs > 0)) return undefined;
  const value = sample.powerW / sample.hashrateThs;
  return Number.isFinite(value) ? value : undefined;
}
