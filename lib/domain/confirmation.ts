// Reading telemetry against a target's baseline: is the miner dark, or running again?
// Confirmation needs positive evidence; a missing sample never confirms anything.

import type { TelemetrySample } from './fleet';

/** A miner counts as curtailed at or below this share of its baseline power. */
export const CURTAIL_THRESHOLD_FACTOR = 0.5;

function finite(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** True when the sample shows the miner curtailed (taken after the command was sent). */
export function showsCurtailed(sample: TelemetrySample | undefined, baselinePowerW?: number) {
  if (!sample || !finite(sample.powerW)) return false;
  if (baselinePowerW && baselinePowerW > 0) {
    return sample.powerW <= baselinePowerW * CURTAIL_THRESHOLD_FACTOR;
  }
  return finite(sample.hashrateThs) && sample.hashrateThs <= 0;
}

/** True when the sample shows the miner running again. */
export function showsRunning(sample: TelemetrySample | undefined, baselinePowerW?: number) {
  if (!sample) return false;
  if (baselinePowerW && baselinePowerW > 0 && finite(sample.powerW)) {
    return sample.powerW > baselinePowerW * CURTAIL_THRESHOLD_FACTOR;
  }
  return finite(sample.hashrateThs) && sample.hashrateThs > 0;
}

/** Only samples taken after the command went out can confirm it. */
export function sampleAfter(sample: TelemetrySample | undefined, sinceIso: string | undefined) {
  if (!sample || !sinceIso) return undefined;
  return Date.parse(sample.at) >= Date.parse(sinceIso) ? sample : undefined;
}
