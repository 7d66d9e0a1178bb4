// The max duration of a held event: when it ends, and the move to the staged restore once it
// has passed (done by the workflow at the deadline, and by the sweep as a backstop).

import { StateRaceLostError } from '../domain/errors';
import type { CurtailmentEvent } from '../domain/event';
import type { StoredEvent } from '../ports/event-store';
import { recordAudit } from './audit';
import type { Deps } from './deps';

/** Epoch ms at which a held event must begin restoring, or undefined when unbounded. */
export function holdDeadline(event: CurtailmentEvent): number | undefined {
  if (event.allowUnbounded || event.maxDurationSeconds <= 0 || !event.startedAt) return undefined;
  return Date.parse(event.startedAt) + event.maxDurationSeconds * 1000;
}

/** Moves an active event past its deadline to restoring; undefined when another change won. */
export async function restoreAtDeadline(
  deps: Deps,
  event: StoredEvent,
  now: number,
  enforcedBy: 'workflow' | 'sweep',
): Promise<StoredEvent | undefined> {
  try {
    const restoring = await deps.events.patchEvent(event.orgId, event.eventId, {
      expectStates: ['active'],
      requireNoLease: true,
      set: {
        state: 'restoring',
        restoreStartedAt: new Date(now).toISOString(),
        endReason: 'max_duration',
      },
    });
    await recordAudit(
      deps,
      restoring,
      'curtailment_max_duration_reached',
      { system: true },
      {
        maxDurationSeconds: event.maxDurationSeconds,
        startedAt: event.startedAt,
        enforcedBy,
      },
    );
    return restoring;
  } catch (error) {
    if (!(error instanceof StateRaceLostError)) throw error;
    deps.metrics.count('StateRaceLost');
    return undefined;
  }
}
