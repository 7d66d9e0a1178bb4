// What a caller asks for when planning a curtailment (preview and start share it).

export type Scope =
  | { type: 'org' }
  | { type: 'sites'; siteIds: string[] }
  | { type: 'miners'; minerIds: string[] };

export type Mode = 'fixed_kw' | 'full_fleet';
export type Priority = 'normal' | 'emergency';

export interface PlanRequest {
  scope: Scope;
  mode: Mode;
  targetKw?: number;
  toleranceKw: number;
  strategy: 'least_efficient_first';
  level: 'full';
  priority: Priority;
  includeMaintenance: boolean;
  forceIncludeMaintenance: boolean;
  candidateMinPowerWOverride?: number;
  postEventCooldownSec: number;
}

/** Exclusion reasons in the order they are tested: the first that matches wins. */
export const EXCLUSION_REASONS = [
  'active_event',
  'not_commandable',
  'curtail_full_unsupported',
  'stale_telemetry',
  'updating',
  'reboot_required',
  'unreachable_residual_load',
  'non_actionable_status',
  'maintenance',
  'cooldown',
  'below_candidate_min_power_w',
  'power_telemetry_unreliable',
  'phantom_load_no_hash',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Candidate {
  minerId: string;
  siteId: string;
  powerW: number;
  hashrateThs: number;
  efficiencyJth: number | undefined;
  reasonSelected: 'least_efficient_first';
}

export interface Skipped {
  minerId: string;
  reason: ExclusionReason;
}

export interface Plan {
  mode: Mode;
  targetKw: number | undefined;
  toleranceKw: number;
  candidateMinPowerW: number;
  candidates: Candidate[];
  skipped: Skipped[];
  skippedAggregate: Partial<Record<ExclusionReason, number>>;
  estimatedReductionKw: number;
  estimatedRemainingPowerKw: number;
}
