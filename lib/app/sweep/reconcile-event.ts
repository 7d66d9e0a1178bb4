// The sweep's work on one live event: finish what a crash interrupted, resume a lost workflow,
// enforce the max duration if the workflow missed it, age waves in flight and repair drift.
// Everything that publishes runs under the event's publish lease, like the workflow does.

import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../../ports/event-store';
import type { Deps } from '../deps';
import { finishEnding } from '../end-event';
import { holdDeadline, restoreAtDeadline } from '../max-duration';
import { startWorkflow } from '../start-event';
import { wakeWorkflow } from '../stop-event';
import { withLease } from '../workflow/lease';
import { checkWave } from '../workflow/wave-check';
import { admitNewMiners } from './admit';
import { reconcileDrift } from './drift';

const CLAIMING_GRACE_MS = 2 * 60 * 1000;
/** An event changed this recently may be starting its execution right now: leave it be. */
export const RESUME_GRACE_MS = 15_000;
/** The workflow gets this long past the deadline before the sweep enforces it. */
const DEADLINE_GRACE_MS = 30_000;
/** Beyond two confirm timeouts and this margin, a wave's workflow has stopped looking at it. */
const STALL_MARGIN_SEC = 30;

export type EventAction =
  | 'rolled_back'
  | 'ending_finished'
  | 'resumed'
  | 'restore_forced'
  | 'checked'
  | 'busy';

export async function reconcileEvent(
  deps: Deps,
  event: StoredEvent,
  shed: { kw: number } = { kw: 0 },
  resumeGraceMs = RESUME_GRACE_MS,
): Promise<EventAction> {
  const now = deps.clock.now().getTime();
  if (event.state === 'claiming') {
    if (now - Date.parse(event.createdAt) <= CLAIMING_GRACE_MS) return 'busy';
    await deps.events.rollbackEvent(event.orgId, event.eventId);
    return 'rolled_back';
  }
  if (event.terminating) {
    await finishEnding(deps, event);
    return 'ending_finished';
  }
  if (!event.executionName || !(await deps.workflow.isRunning(event.executionName))) {
    if (now - Date.parse(event.updatedAt) < resumeGraceMs) return 'busy';
    await startWorkflow(deps, event, `r${randomUUID().slice(0, 8)}`);
    deps.logger.warn('workflow resumed by the sweep', {
      orgId: event.orgId,
      eventId: event.eventId,
    });
    return 'resumed';
  }
  if (event.state === 'active' && (await enforceDeadline(deps, event, now)))
    return 'restore_forced';

  const states =
    event.state === 'restoring' ? ['restoring' as const] : [event.state as 'pending' | 'active'];
  const outcome = await withLease(deps, event, states, async (owner) => {
    const settings = await deps.settings.get(event.orgId);
    await ageOpenWaves(deps, event, settings);
    if (event.state === 'active') {
      const drift = await reconcileDrift(deps, event, settings);
      const admitted = await admitNewMiners(deps, event, settings, owner);
      if (admitted > 0)
        deps.logger.info('admitted into a held event', { eventId: event.eventId, admitted });
      shed.kw += drift.shedKw;
      if (drift.drifted + drift.failed > 0) {
        deps.logger.info('drift repaired', { eventId: event.eventId, ...drift });
      }
    }
  });
  return outcome === 'lease_busy' ? 'busy' : 'checked';
}

/** The workflow normally moves a held event to restore at its deadline; this is the backstop. */
async function enforceDeadline(deps: Deps, event: StoredEvent, now: number): Promise<boolean> {
  const deadline = holdDeadline(event);
  if (deadline === undefined || now < deadline + DEADLINE_GRACE_MS) return false;
  const restoring = await restoreAtDeadline(deps, event, now, 'sweep');
  if (restoring) await wakeWorkflow(deps, restoring);
  return restoring !== undefined;
}

/** Waves the workflow has in flight get their timeouts and retries even if it stalls. */
async function ageOpenWaves(
  deps: Deps,
  event: StoredEvent,
  settings: Awaited<ReturnType<Deps['settings']['get']>>,
) {
  const { progress } = event;
  const curtail = Array.from(
    { length: Math.max(0, progress.curtailWavesSent - progress.curtailOpenWave) },
    (_, i) => progress.curtailOpenWave + i,
  );
  const restore = progress.restoreWavesSent > 0 ? [progress.restoreWavesSent - 1] : [];
  const [curtailWaves, restoreWaves] = await Promise.all([
    event.state === 'pending'
      ? deps.events.getWaves(event.orgId, event.eventId, 'curtail', curtail)
      : [],
    event.state === 'restoring'
      ? deps.events.getWaves(event.orgId, event.eventId, 'restore', restore)
      : [],
  ]);
  const nowMs = deps.clock.now().getTime();
  for (const wave of [...curtailWaves, ...restoreWaves]) {
    const timeoutSec =
      wave.phase === 'curtail'
        ? settings.curtailConfirmTimeoutSec
        : settings.restoreConfirmTimeoutSec;
    const stalled =
      nowMs - Date.parse(wave.lastSentAt) > (2 * timeoutSec + STALL_MARGIN_SEC) * 1000;
    if (!wave.settledAt && stalled) await checkWave(deps, event, wave, settings);
  }
}
