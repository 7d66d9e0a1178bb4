// Wave arithmetic. Curtail waves walk the selection order forwards in slices of
// curtailBatchSize; restore waves walk it backwards (most efficient miners back first) in
// slices of effectiveBatchSize. A wave is recorded once; targets are written only when their
// own state changes, so what a target "is" between those writes is derived here.

import {
  type CurtailmentEvent,
  TARGET_TERMINAL,
  type Target,
  type TargetPhase,
  type TargetState,
} from './event';

export interface WaveRange {
  from: number;
  to: number;
}

type Sized = Pick<CurtailmentEvent, 'targetCount' | 'plannedCount' | 'curtailBatchSize'>;

/** Targets chosen at start: curtail waves cover these; admitted miners come after them. */
export function plannedCount(event: Sized): number {
  return event.plannedCount ?? event.targetCount;
}

export function curtailWaveCount(event: Sized) {
  return Math.ceil(plannedCount(event) / Math.max(1, event.curtailBatchSize));
}

export function curtailWaveRange(event: Sized, wave: number): WaveRange {
  const size = Math.max(1, event.curtailBatchSize);
  return { from: wave * size, to: Math.min(plannedCount(event), (wave + 1) * size) };
}

/**
 * Targets that may need a restore command, from the start of the selection order: those whose
 * curtail wave went out, plus, once every wave went out, the miners admitted since.
 */
export function curtailedScope(event: Sized & Pick<CurtailmentEvent, 'progress'>) {
  const planned = plannedCount(event);
  const sent = Math.min(
    planned,
    event.progress.curtailWavesSent * Math.max(1, event.curtailBatchSize),
  );
  return sent >= planned ? event.targetCount : sent;
}

export function restoreWaveCount(scope: number, batchSize: number): number {
  return Math.ceil(scope / Math.max(1, batchSize));
}

export function restoreWaveRange(scope: number, batchSize: number, wave: number): WaveRange {
  const size = Math.max(1, batchSize);
  return { from: Math.max(0, scope - (wave + 1) * size), to: Math.max(0, scope - wave * size) };
}

export function curtailWaveOf(seq: number, batchSize: number): number {
  return Math.floor(seq / Math.max(1, batchSize));
}

export function restoreWaveOf(seq: number, scope: number, batchSize: number): number {
  return Math.floor((scope - 1 - seq) / Math.max(1, batchSize));
}

export interface TargetView {
  phase: TargetPhase;
  state: TargetState;
  desiredState: 'curtailed' | 'active';
  curtailWave?: number;
  restoreWave?: number;
}

/** What a stored target is once the waves already sent are taken into account. */
export function viewTarget(event: CurtailmentEvent, target: Target): TargetView {
  const restoring = event.state === 'restoring' || event.restoreStartedAt !== undefined;
  const desiredState = restoring || target.phase === 'restore' ? 'active' : 'curtailed';
  const curtailWave = curtailWaveOf(target.seq, event.curtailBatchSize);
  if (target.phase === 'restore' || TARGET_TERMINAL.includes(target.state)) {
    return { phase: target.phase, state: target.state, desiredState, curtailWave };
  }
  const scope = event.progress.restoreScope;
  if (restoring && scope !== undefined && target.seq < scope) {
    const restoreWave = restoreWaveOf(target.seq, scope, event.effectiveBatchSize);
    if (restoreWave < event.progress.restoreWavesSent) {
      return { phase: 'restore', state: 'dispatched', desiredState, curtailWave, restoreWave };
    }
  }
  if (target.state === 'pending' && curtailWave < event.progress.curtailWavesSent) {
    return { phase: 'curtail', state: 'dispatched', desiredState, curtailWave };
  }
  return { phase: target.phase, state: target.state, desiredState, curtailWave };
}
