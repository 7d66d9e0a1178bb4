// Stop: move a pending or active event to restoring and wake its workflow so the restore
// waves begin within a second. The transition waits for any wave that is publishing, so no
// curtail command goes out after Stop has answered.

import { FailedPreconditionError, StateRaceLostError, UnavailableError } from '../domain/errors';
import { isTerminal } from '../domain/event';
import type { StoredEvent } from '../ports/event-store';
import { recordAudit } from './audit';
import { requireAdminFor, requireRole } from './authz';
import type { Caller, Deps } from './deps';
import { loadVisibleEvent } from './read-events';

const LEASE_WAIT_MS = 15_000;

export async function stopEvent(
  deps: Deps,
  caller: Caller,
  eventId: string,
  options: { force: boolean },
): Promise<{ event: StoredEvent; changed: boolean }> {
  requireRole(caller, 'operator');
  if (options.force) requireAdminFor(caller, ['force']);
  const giveUpAt = Date.now() + LEASE_WAIT_MS;

  for (;;) {
    const event = await loadVisibleEvent(deps, caller.orgId, eventId);
    if (isTerminal(event.state)) {
      throw new FailedPreconditionError(`event is already ${event.state}`, 'event_terminal', {
        state: event.state,
      });
    }
    if (event.terminating) {
      throw new FailedPreconditionError('an admin is ending this event', 'event_terminating');
    }
    if (event.state === 'restoring') return { event, changed: false };
    const now = deps.clock.now();
    if (event.state === 'active' && !options.force) assertMinDurationElapsed(event, now);

    try {
      const stopped = await deps.events.patchEvent(caller.orgId, eventId, {
        expectStates: [event.state],
        requireNoLease: true,
        set: { state: 'restoring', restoreStartedAt: now.toISOString(), endReason: 'stopped' },
      });
      deps.logger.info('event stopped', { orgId: caller.orgId, eventId, from: event.state });
      await recordAudit(deps, stopped, 'curtailment_stopped', caller.actor, {
        from: event.state,
        force: options.force,
      });
      await wakeWorkflow(deps, stopped);
      return { event: stopped, changed: true };
    } catch (error) {
      if (!(error instanceof StateRaceLostError)) throw error;
      // Either a wave holds the publish lease (wait for it) or the state moved (re-read).
      if (Date.now() > giveUpAt) {
        throw new UnavailableError('the event is busy publishing; retry', 'event_busy');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function assertMinDurationElapsed(event: StoredEvent, now: Date) {
  if (!event.startedAt || event.minCurtailedDurationSec <= 0) return;
  const elapsed = Math.floor((now.getTime() - Date.parse(event.startedAt)) / 1000);
  if (elapsed >= event.minCurtailedDurationSec) return;
  throw new FailedPreconditionError(
    `minCurtailedDurationSec not elapsed: ${elapsed}s of ${event.minCurtailedDurationSec}s; ` +
      'an admin can send force: true',
    'min_duration_not_elapsed',
    { elapsedSec: elapsed, minCurtailedDurationSec: event.minCurtailedDurationSec },
  );
}

/** Wakes a parked workflow step; the workflow re-reads the event and acts on the change. */
export async function wakeWorkflow(deps: Deps, event: StoredEvent): Promise<void> {
  if (!event.wakeToken) return;
  try {
    await deps.workflow.wake(event.wakeToken);
  } catch (error) {
    deps.logger.warn('workflow wake failed', { eventId: event.eventId, error: String(error) });
  }
}
