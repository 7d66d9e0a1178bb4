// The workflow's entry and junction: reads the event and says which phase runs next. Every
// execution (first, continued, or resumed after a loss) starts here, so the workflow always
// acts on the persisted state rather than on what it carried.

import { isTerminal } from '../../domain/event';
import type { StoredEvent } from '../../ports/event-store';
import type { Deps } from '../deps';
import { holdDeadline, restoreAtDeadline } from '../max-duration';
import { result, type StepInput, type StepResult } from './step';

const HOLD_LOOP_SECONDS = 86_400;

export async function route(deps: Deps, input: StepInput): Promise<StepResult> {
  const event = await deps.events.getEvent(input.orgId, input.eventId);
  // An admin ending in progress owns the event from here on.
  if (!event || event.state === 'claiming' || isTerminal(event.state) || event.terminating) {
    return result(input, 'done', event?.rev ?? 0);
  }
  if (input.executionName && event.executionName !== input.executionName) {
    // One execution drives an event: a newcomer takes over only from its predecessor or from
    // one that is gone, so a resume racing a continue-as-new cannot leave two running.
    const owner = event.executionName;
    const successor = owner !== undefined && input.executionInput?.continuedFrom === owner;
    if (owner && !successor && (await deps.workflow.isRunning(owner))) {
      deps.logger.warn('another execution drives this event', { owner, me: input.executionName });
      return result(input, 'done', event.rev);
    }
    await deps.events.recordExecution(input.orgId, input.eventId, input.executionName);
  }
  const now = deps.clock.now().getTime();
  switch (event.state) {
    case 'pending': {
      const startAt = event.scheduledStartAt ? Date.parse(event.scheduledStartAt) : now;
      if (startAt > now) return result(input, 'wait_start', event.rev, (startAt - now) / 1000);
      return result(input, 'curtail', event.rev);
    }
    case 'active':
      return hold(deps, input, event, now);
    default:
      return result(input, 'restore', event.rev);
  }
}

async function hold(deps: Deps, input: StepInput, event: StoredEvent, now: number) {
  const deadline = holdDeadline(event);
  if (deadline === undefined) return result(input, 'hold', event.rev, HOLD_LOOP_SECONDS);
  if (deadline > now) return result(input, 'hold', event.rev, (deadline - now) / 1000);
  const restoring = await restoreAtDeadline(deps, event, now, 'workflow');
  // Someone else moved the event (or holds the lease): look again shortly.
  return restoring ? result(input, 'restore', restoring.rev) : result(input, 'poll', event.rev, 1);
}
