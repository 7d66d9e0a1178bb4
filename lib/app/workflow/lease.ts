// The publish lease: one writer at a time per event (workflow step or sweep), and a state
// change such as Stop waits for it, so nothing is published for an event that left the state
// the publisher checked.

import type { EventState } from '../../domain/event';
import type { StoredEvent } from '../../ports/event-store';
import type { Deps } from '../deps';

export const LEASE_TTL_MS = 60_000;

export async function withLease<T>(
  deps: Deps,
  event: StoredEvent,
  states: EventState[],
  work: (owner: string) => Promise<T>,
): Promise<T | 'lease_busy'> {
  const owner = deps.ids.token();
  const acquired = await deps.events.acquireLease(
    event.orgId,
    event.eventId,
    owner,
    LEASE_TTL_MS,
    states,
  );
  if (!acquired) return 'lease_busy';
  try {
    return await work(owner);
  } finally {
    await deps.events.releaseLease(event.orgId, event.eventId, owner);
  }
}
