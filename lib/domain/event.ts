// Curtailment events and their targets: the states, what counts as live or settled, and the
// derived figures (rollup, batch sizes) every layer agrees on.

import type { Mode, PlanRequest, Priority, Scope, Skipped } from './plan';

export const EVENT_STATES = [
  'pending',
  'active',
  'restoring',
  'completed',
  'completed_with_failures',
  'cancelled',
  'failed',
] as const;
export type EventState = (typeof EVENT_STATES)[number];
/** `claiming` is internal: an event whose miners are being claimed is never shown as live. */
export type StoredEventState = EventState | 'claiming';

export const LIVE_STATES = ['pending', 'active', 'restoring'] as const;
export const TERMINAL_STATES = [
  'completed',
  'completed_with_failures',
  'cancelled',
  'failed',
] as const;

export function isTerminal(state: StoredEventState): boolean {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

export type TargetState =
  | 'pending'
  | 'dispatched'
  | 'confirmed'
  | 'drifted'
  | 'curtail_failed'
  | 'resolved'
  | 'restore_failed'
  | 'released';
export type TargetPhase = 'curtail' | 'restore';

/** Target states after which nothing more happens to the target in its phase. */
export const CURTAIL_SETTLED: readonly TargetState[] = ['confirmed', 'curtail_failed', 'released'];
export const TARGET_TERMINAL: readonly TargetState[] = ['resolved', 'restore_failed', 'released'];

export interface Actor {
  type: 'user' | 'scheduler' | 'api_key';
  id: string;
}

export interface Target {
  minerId: string;
  siteId: string;
  /** Position in the selection order: curtail waves walk it forwards, restore backwards. */
  seq: number;
  phase: TargetPhase;
  state: TargetState;
  baselinePowerW?: number;
  observedPowerW?: number;
  observedAt?: string;
  retryCount: number;
  lastError?: string;
  lastDispatchedAt?: string;
  confirmedAt?: string;
  commandId?: string;
  /** Set once curtailment failed for this miner, so the event ends with failures. */
  curtailFailed?: boolean;
}

export interface DecisionSummary {
  candidateMinPowerW: number;
  selectedCount: number;
  skippedCount: number;
  skippedAggregate: Record<string, number>;
  estimatedReductionKw: number;
  estimatedRemainingPowerKw: number;
  selectedAt: string;
}

export interface DecisionSnapshot extends DecisionSummary {
  skipped?: Skipped[];
}

/** Where the workflow stands: persisted so any execution can resume from it. */
export interface Progress {
  /** Curtail waves sent so far. */
  curtailWavesSent: number;
  /** Lowest curtail wave with a target not yet settled. */
  curtailOpenWave: number;
  lastCurtailWaveAt?: string;
  /** How many targets (from the start of the order) the restore covers; set when it begins. */
  restoreScope?: number;
  restoreWavesSent: number;
  lastRestoreWaveAt?: string;
}

export interface CurtailmentEvent {
  orgId: string;
  eventId: string;
  state: StoredEventState;
  mode: Mode;
  strategy: 'least_efficient_first';
  level: 'full';
  priority: Priority;
  scope: Scope;
  targetKw?: number;
  toleranceKw?: number;
  reason: string;
  maxDurationSeconds: number;
  allowUnbounded: boolean;
  restoreBatchSize: number;
  restoreBatchIntervalSec: number;
  effectiveBatchSize: number;
  curtailBatchSize: number;
  curtailBatchIntervalSec: number;
  minCurtailedDurationSec: number;
  includeMaintenance: boolean;
  forceIncludeMaintenance: boolean;
  postEventCooldownSec: number;
  scheduledStartAt?: string;
  startedAt?: string;
  restoreStartedAt?: string;
  endedAt?: string;
  createdAt: string;
  updatedAt: string;
  actor: Actor;
  externalSource?: string;
  externalReference?: string;
  idempotencyKey?: string;
  /** Every target, including miners admitted while the event was held. */
  targetCount: number;
  /** Targets selected at start (absent on events started before admission existed). */
  plannedCount?: number;
  decision: DecisionSummary;
  progress: Progress;
  /** An admin ending in progress: recorded before any target moves, so a retry finishes it. */
  terminating?: Termination;
  /** Bumped by every change the workflow must notice (stop, update, transitions). */
  rev: number;
  endReason?: string;
}

export interface Termination {
  targetState: 'cancelled' | 'failed';
  /** `terminate` fails the targets' restore; `release` lets the miners go untouched. */
  mode: 'terminate' | 'release';
  reason: string;
  at: string;
  actor: Actor;
}

export interface Rollup {
  pending: number;
  dispatched: number;
  confirmed: number;
  drifted: number;
  curtailFailed: number;
  resolved: number;
  released: number;
  restoreFailed: number;
  total: number;
}

export function emptyRollup(): Rollup {
  return {
    pending: 0,
    dispatched: 0,
    confirmed: 0,
    drifted: 0,
    curtailFailed: 0,
    resolved: 0,
    released: 0,
    restoreFailed: 0,
    total: 0,
  };
}

const ROLLUP_KEY: Record<TargetState, keyof Rollup> = {
  pending: 'pending',
  dispatched: 'dispatched',
  confirmed: 'confirmed',
  drifted: 'drifted',
  curtail_failed: 'curtailFailed',
  resolved: 'resolved',
  released: 'released',
  restore_failed: 'restoreFailed',
};

export function addToRollup(rollup: Rollup, state: TargetState): void {
  rollup[ROLLUP_KEY[state]] += 1;
  rollup.total += 1;
}

/** Server-chosen curtail wave size: 1 % of the selection, clamped to 10..100. */
export function defaultCurtailBatchSize(selectedCount: number): number {
  return Math.min(100, Math.max(10, Math.ceil(selectedCount / 100)));
}

/** Restore wave size: an explicit size is used as given, 0 restores everything at once. */
export function effectiveBatchSize(restoreBatchSize: number, selectedCount: number): number {
  return restoreBatchSize > 0 ? restoreBatchSize : Math.max(1, selectedCount);
}

export type StartRequestFields = PlanRequest & {
  reason: string;
  maxDurationSeconds: number;
  allowUnbounded: boolean;
  restoreBatchSize: number;
  restoreBatchIntervalSec: number;
  curtailBatchSize?: number;
  curtailBatchIntervalSec: number;
  minCurtailedDurationSec: number;
  scheduledStartAt?: string;
  idempotencyKey?: string;
  externalSource?: string;
  externalReference?: string;
};
