// Per-organization curtailment settings and their defaults.

export interface OrgSettings {
  maxDurationDefaultSec: number;
  candidateMinPowerW: number;
  nonAdminIntervalCapSec: number;
  curtailConfirmTimeoutSec: number;
  restoreConfirmTimeoutSec: number;
  restoreMaxRetries: number;
  curtailMaxRetries: number;
}

export const DEFAULT_SETTINGS: Readonly<OrgSettings> = Object.freeze({
  maxDurationDefaultSec: 14_400,
  candidateMinPowerW: 1_500,
  nonAdminIntervalCapSec: 300,
  curtailConfirmTimeoutSec: 30,
  restoreConfirmTimeoutSec: 60,
  restoreMaxRetries: 10,
  curtailMaxRetries: 10,
});
