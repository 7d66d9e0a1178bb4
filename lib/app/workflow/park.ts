// Parks the workflow: stores the task token on the event so Stop, Update or cancel can wake
// it at once. If the event changed since the step that decided to park, wake immediately.

import type { Deps } from '../deps';
import type { StepInput } from './step';

export async function park(deps: Deps, input: StepInput): Promise<void> {
  if (!input.token) throw new Error('park needs a task token');
  const stored = await deps.events.storeWakeToken(
    input.orgId,
    input.eventId,
    input.token,
    input.rev ?? -1,
  );
  if (!stored) await deps.workflow.wake(input.token);
}
