// Admin endings: terminate (a stuck event ends cancelled or failed, its open targets marked
// restore_failed) and force release (any live event ends cancelled, its miners let go with no
// restore command). Both first record the intent on the event, which also stops every further
// publish, then sweep the targets, then end the event: a crash at any point leaves the intent
// behind, and repeating the request (or the sweep) finishes the job.

import { FailedPreconditionError, StateRaceLostError, UnavailableError } from '../domain/errors';
import { isTerminal, TARGET_TERMINAL, type Termination } from '../domain/event';
import { viewTarget } from '../domain/waves';
import type { StoredEvent, TargetUpdate } from '../ports/event-store';
import { recordAudit } from './audit';
import { requireRole } from './authz';
import type { Caller, Deps } from './deps';
import { loadVisibleEvent } from './read-events';

const LEASE_WAIT_MS = 15_000;

export async function adminTerminate(
  deps: Deps,
  caller: Caller,
  eventId: string,
  request: { targetState: 'cancelled' | 'failed'; reason: string },
) {
  requireRole(caller, 'admin');
  const event = await loadVisibleEvent(deps, caller.orgId, eventId);
  if (isTerminal(event.state)) {
    if (event.state === request.targetState) return { event, transitioned: false };
    throw terminalConflict(event);
  }
  if (event.state === 'active') throw stopFirst();
  const intent: Termination = {
    targetState: request.targetState,
    mode: 'terminate',
    reason: request.reason,
    at: deps.clock.now().toISOString(),
    actor: caller.actor,
  };
  const marked = await markEnding(deps, event, intent);
  if (marked.state === 'pending' && (await curtailInFlight(deps, marked))) {
    await unmark(deps, marked);
    throw stopFirst();
  }
  const ended = await finishEnding(deps, marked);
  return { event: ended.event, transitioned: true, sweptTargetCount: ended.swept };
}

export async function forceRelease(deps: Deps, caller: Caller, eventId: string, reason: string) {
  requireRole(caller, 'admin');
  const event = await loadVisibleEvent(deps, caller.orgId, eventId);
  if (isTerminal(event.state)) {
    throw new FailedPreconditionError(`event is already ${event.state}`, 'event_terminal', {
      state: event.state,
    });
  }
  const intent: Termination = {
    targetState: 'cancelled',
    mode: 'release',
    reason,
    at: deps.clock.now().toISOString(),
    actor: caller.actor,
  };
  const marked = await markEnding(deps, event, intent);
  const ended = await finishEnding(deps, marked);
  return { event: ended.event, releasedTargetCount: ended.swept };
}

function stopFirst() {
  return new FailedPreconditionError(
    'the event has curtail commands in flight or miners curtailed; stop it first so they are restored',
    'stop_first',
  );
}

function terminalConflict(event: StoredEvent) {
  return new FailedPreconditionError(
    `event already ended as ${event.state}`,
    'terminal_state_conflict',
    { state: event.state },
  );
}

/** Records the intent, waiting for a publishing wave to finish; an existing intent must match. */
async function markEnding(deps: Deps, event: StoredEvent, intent: Termination) {
  const giveUpAt = Date.now() + LEASE_WAIT_MS;
  for (let current = event; ; ) {
    if (current.terminating) {
      const same =
        current.terminating.mode === intent.mode &&
        current.terminating.targetState === intent.targetState;
      if (!same) throw terminalConflict({ ...current, state: current.terminating.targetState });
      return current;
    }
    try {
      return await deps.events.patchEvent(event.orgId, event.eventId, {
        expectStates: [current.state],
        requireNoLease: true,
        set: { terminating: intent },
      });
    } catch (error) {
      if (!(error instanceof StateRaceLostError)) throw error;
      if (Date.now() > giveUpAt)
        throw new UnavailableError('the event is busy; retry', 'event_busy');
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await loadVisibleEvent(deps, event.orgId, event.eventId);
      if (isTerminal(current.state)) throw terminalConflict(current);
      if (intent.mode === 'terminate' && current.state === 'active') throw stopFirst();
    }
  }
}

async function unmark(deps: Deps, event: StoredEvent) {
  await deps.events.patchEvent(event.orgId, event.eventId, {
    expectStates: [event.state],
    set: { terminating: undefined },
  });
}

/** Any miner told to curtail and not yet restored: terminating would leave it dark. */
async function curtailInFlight(deps: Deps, event: StoredEvent): Promise<boolean> {
  const states = await deps.events.targetStates(event.orgId, event.eventId);
  return states.some((stored) => {
    const view = viewTarget(event, { ...stored, siteId: '', retryCount: 0 });
    return view.phase === 'curtail' && ['dispatched', 'confirmed', 'drifted'].includes(view.state);
  });
}

/** Sweeps the open targets, frees the claims, then ends the event. Safe to repeat. */
export async function finishEnding(deps: Deps, event: StoredEvent) {
  const intent = event.terminating;
  if (!intent) throw new Error('finishEnding needs a recorded intent');
  const states = await deps.events.targetStates(event.orgId, event.eventId);
  const open = states.filter((t) => !TARGET_TERMINAL.includes(t.state));
  const updates: TargetUpdate[] = open.map((t) => {
    // A miner never sent a curtail command is untouched: it is let go, not failed.
    const untouched = viewTarget(event, { ...t, siteId: '', retryCount: 0 }).state === 'pending';
    return {
      minerId: t.minerId,
      expect: { phase: t.phase, state: t.state },
      set:
        intent.mode === 'release' || untouched
          ? { state: 'released', lastError: `released: ${intent.reason}` }
          : { phase: 'restore', state: 'restore_failed', lastError: intent.reason },
    };
  });
  const swept = await deps.events.updateTargets(event.orgId, event.eventId, updates);
  if (swept.size < open.length) {
    throw new UnavailableError('targets changed while the event was ending; retry', 'event_busy');
  }
  await deps.events.releaseClaims(
    event.orgId,
    event.eventId,
    states.map((t) => t.minerId),
  );

  const ended = await deps.events.patchEvent(event.orgId, event.eventId, {
    expectStates: ['pending', 'active', 'restoring'],
    set: {
      state: intent.targetState,
      endedAt: deps.clock.now().toISOString(),
      endReason: intent.mode,
    },
  });
  if (ended.executionName) {
    await deps.workflow.stop(ended.executionName, intent.reason).catch((error: unknown) => {
      deps.logger.warn('workflow stop failed', { eventId: event.eventId, error: String(error) });
    });
  }
  const release = intent.mode === 'release';
  await recordAudit(
    deps,
    ended,
    release ? 'curtailment_force_released' : 'curtailment_admin_terminated',
    intent.actor,
    {
      targetState: intent.targetState,
      reason: intent.reason,
      fromState: event.state,
      [release ? 'releasedTargetCount' : 'sweptTargetCount']: swept.size,
    },
  );
  return { event: ended, swept: swept.size };
}
