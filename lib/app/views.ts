// The API's shapes of events and targets, built from stored items and the waves already sent.

import type { CurtailmentEvent, Rollup, Target } from '../domain/event';
import { addToRollup, emptyRollup } from '../domain/event';
import type { Skipped } from '../domain/plan';
import { viewTarget } from '../domain/waves';
import type { WaveRecord } from '../ports/event-store';

export interface TargetView {
  minerId: string;
  siteId: string;
  phase: Target['phase'];
  state: Target['state'];
  desiredState: 'curtailed' | 'active';
  baselinePowerW?: number;
  observedPowerW?: number;
  retryCount: number;
  lastError?: string;
  lastDispatchedAt?: string;
  confirmedAt?: string;
}

const INTERNAL_FIELDS = new Set([
  'orgId',
  'progress',
  'rev',
  'decision',
  'targetCount',
  'plannedCount',
  'wakeToken',
  'lease',
  'executionName',
]);

export function eventView(
  event: CurtailmentEvent,
  extras: {
    rollup?: Rollup;
    targets?: TargetView[];
    skipped?: Skipped[];
    trimAttribution?: boolean;
    withSnapshot?: boolean;
  } = {},
) {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!INTERNAL_FIELDS.has(key)) view[key] = value;
  }
  if (extras.trimAttribution) {
    delete view.externalSource;
    delete view.externalReference;
    delete view.idempotencyKey;
  }
  if (extras.rollup) view.rollup = extras.rollup;
  if (extras.targets) view.targets = extras.targets;
  if (extras.withSnapshot !== false) {
    view.decisionSnapshot = {
      ...event.decision,
      ...(extras.skipped ? { skipped: extras.skipped } : {}),
    };
  }
  return view;
}

export function rollupOf(
  event: CurtailmentEvent,
  states: Pick<Target, 'seq' | 'phase' | 'state'>[],
): Rollup {
  const rollup = emptyRollup();
  for (const stored of states) {
    const view = viewTarget(event, { ...stored, minerId: '', siteId: '', retryCount: 0 });
    addToRollup(rollup, view.state);
  }
  return rollup;
}

/** Wave numbers a page of targets needs, to show when each was last sent. */
export function wavesFor(event: CurtailmentEvent, targets: Target[]) {
  const curtail = new Set<number>();
  const restore = new Set<number>();
  for (const target of targets) {
    const view = viewTarget(event, target);
    if (view.curtailWave !== undefined && view.curtailWave < event.progress.curtailWavesSent) {
      curtail.add(view.curtailWave);
    }
    if (view.restoreWave !== undefined) restore.add(view.restoreWave);
  }
  return { curtail: [...curtail], restore: [...restore] };
}

export function targetView(
  event: CurtailmentEvent,
  target: Target,
  waves: { curtail: Map<number, WaveRecord>; restore: Map<number, WaveRecord> },
): TargetView {
  const view = viewTarget(event, target);
  const wave =
    view.restoreWave !== undefined
      ? waves.restore.get(view.restoreWave)
      : view.curtailWave !== undefined
        ? waves.curtail.get(view.curtailWave)
        : undefined;
  const derived = view.state === 'dispatched' && wave !== undefined;
  return {
    minerId: target.minerId,
    siteId: target.siteId,
    phase: view.phase,
    state: view.state,
    desiredState: view.desiredState,
    ...(target.baselinePowerW !== undefined ? { baselinePowerW: target.baselinePowerW } : {}),
    ...(target.observedPowerW !== undefined ? { observedPowerW: target.observedPowerW } : {}),
    retryCount: derived ? wave.attempt - 1 : target.retryCount,
    ...(target.lastError ? { lastError: target.lastError } : {}),
    ...(derived
      ? { lastDispatchedAt: wave.lastSentAt }
      : target.lastDispatchedAt
        ? { lastDispatchedAt: target.lastDispatchedAt }
        : {}),
    ...(target.confirmedAt ? { confirmedAt: target.confirmedAt } : {}),
  };
}
