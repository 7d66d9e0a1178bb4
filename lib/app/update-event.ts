// Update: an operator adjusts a pending or active event. Echoed values change nothing and
// write nothing; a change of the max duration wakes the workflow so the hold is recomputed.

import {
  FailedPreconditionError,
  InvalidArgumentError,
  StateRaceLostError,
} from '../domain/errors';
import type { CurtailmentEvent } from '../domain/event';
import type { StoredEvent } from '../ports/event-store';
import { recordAudit } from './audit';
import { requireAdminFor } from './authz';
import type { Caller, Deps } from './deps';
import { loadVisibleEvent } from './read-events';
import { wakeWorkflow } from './stop-event';

export interface UpdateRequest {
  reason?: string;
  restoreBatchIntervalSec?: number;
  maxDurationSeconds?: number;
  restoreBatchSize?: number;
}

type Changes = Partial<
  Pick<
    CurtailmentEvent,
    'reason' | 'restoreBatchIntervalSec' | 'maxDurationSeconds' | 'allowUnbounded'
  >
>;

export async function updateEvent(
  deps: Deps,
  caller: Caller,
  eventId: string,
  request: UpdateRequest,
): Promise<{ event: StoredEvent; changed: string[] }> {
  const event = await loadVisibleEvent(deps, caller.orgId, eventId);
  if ((event.state !== 'pending' && event.state !== 'active') || event.terminating) {
    throw new FailedPreconditionError(
      `an event in state ${event.state} cannot be updated`,
      'event_not_updatable',
      { state: event.state },
    );
  }
  if (
    request.restoreBatchSize !== undefined &&
    request.restoreBatchSize !== event.restoreBatchSize
  ) {
    throw new InvalidArgumentError(
      'restoreBatchSize cannot be changed after start; stop the event and start a new one',
      'restore_batch_size_frozen',
    );
  }
  const changes = changedFields(event, request);
  const changed = Object.keys(changes);
  if (changed.length === 0) return { event, changed };

  const settings = await deps.settings.get(caller.orgId);
  const controls: string[] = [];
  if (
    changes.maxDurationSeconds !== undefined &&
    changes.maxDurationSeconds > settings.maxDurationDefaultSec
  ) {
    controls.push('maxDurationSeconds above the organization default');
  }
  const cap = settings.nonAdminIntervalCapSec;
  if (changes.restoreBatchIntervalSec !== undefined && changes.restoreBatchIntervalSec > cap) {
    controls.push(`restoreBatchIntervalSec above ${cap}`);
  }
  requireAdminFor(caller, controls);
  if (changes.maxDurationSeconds !== undefined && event.allowUnbounded) {
    // Bounding an unbounded event (a signal that learned its end) is an admin's decision.
    requireAdminFor(caller, ['maxDurationSeconds on an unbounded event']);
    changes.allowUnbounded = false;
  }

  let updated: StoredEvent;
  try {
    updated = await deps.events.patchEvent(caller.orgId, eventId, {
      expectStates: [event.state],
      set: changes,
    });
  } catch (error) {
    if (!(error instanceof StateRaceLostError)) throw error;
    deps.metrics.count('StateRaceLost');
    throw new FailedPreconditionError(
      'the event changed state while it was being updated; read it again and retry',
      'update_state_race_loss',
    );
  }
  await recordAudit(deps, updated, 'curtailment_updated', caller.actor, {
    fields: changed,
    ...changes,
  });
  if (changes.maxDurationSeconds !== undefined) await wakeWorkflow(deps, updated);
  return { event: updated, changed };
}

function changedFields(event: CurtailmentEvent, request: UpdateRequest): Changes {
  const changes: Changes = {};
  if (request.reason !== undefined && request.reason !== event.reason)
    changes.reason = request.reason;
  if (
    request.restoreBatchIntervalSec !== undefined &&
    request.restoreBatchIntervalSec !== event.restoreBatchIntervalSec
  ) {
    changes.restoreBatchIntervalSec = request.restoreBatchIntervalSec;
  }
  if (
    request.maxDurationSeconds !== undefined &&
    request.maxDurationSeconds !== event.maxDurationSeconds
  ) {
    changes.maxDurationSeconds = request.maxDurationSeconds;
  }
  return changes;
}
