// Closed-loop full_fleet: a miner that appears or comes back online in the scope of a held
// full_fleet event (org or sites) is admitted into it and curtailed, a handful per sweep run.
// Admitted targets follow the planned ones in the selection order, so the staged restore
// brings them back first.

import type { Target } from '../../domain/event';
import type { PlanRequest } from '../../domain/plan';
import { selectMiners } from '../../domain/selector';
import type { OrgSettings } from '../../domain/settings';
import type { StoredEvent } from '../../ports/event-store';
import type { Deps } from '../deps';
import { resolveScope } from '../plan';
import { MAX_TARGETS } from '../start-event';
import { publishWave } from '../workflow/commands';

/** Admission re-sends carry this wave number so their command ids never collide. */
export const ADMIT_WAVE = -2;
/** One claim transaction's worth per sweep run keeps each run short. */
const ADMIT_PER_RUN = 50;

export function admits(event: StoredEvent): boolean {
  return event.mode === 'full_fleet' && event.scope.type !== 'miners' && event.state === 'active';
}

export async function admitNewMiners(
  deps: Deps,
  event: StoredEvent,
  settings: OrgSettings,
  leaseOwner: string,
): Promise<number> {
  const room = MAX_TARGETS - event.targetCount;
  if (!admits(event) || room <= 0 || event.terminating) return 0;
  const request: PlanRequest = {
    scope: event.scope,
    mode: 'full_fleet',
    toleranceKw: 0,
    strategy: 'least_efficient_first',
    level: 'full',
    priority: event.priority,
    includeMaintenance: event.includeMaintenance,
    forceIncludeMaintenance: event.forceIncludeMaintenance,
    postEventCooldownSec: event.postEventCooldownSec,
  };
  const miners = await resolveScope(deps, event.orgId, request);
  // Miners of this and every other live event are claimed, so `active_event` skips them.
  const plan = selectMiners({
    request,
    miners,
    candidateMinPowerW: event.decision.candidateMinPowerW,
    now: deps.clock.now(),
  });
  const chosen = plan.candidates.slice(0, Math.min(ADMIT_PER_RUN, room));
  if (chosen.length === 0) return 0;

  const first = await deps.events.reserveTargets(
    event.orgId,
    event.eventId,
    chosen.length,
    event.targetCount,
    leaseOwner,
  );
  if (first === undefined) return 0;
  const sentAt = deps.clock.now().toISOString();
  const targets: Target[] = chosen.map((candidate, index) => ({
    minerId: candidate.minerId,
    siteId: candidate.siteId,
    seq: first + index,
    phase: 'curtail',
    state: 'dispatched',
    retryCount: 0,
    lastDispatchedAt: sentAt,
    lastError: 'admitted while the event was held',
    ...(candidate.powerW > 0 ? { baselinePowerW: candidate.powerW } : {}),
  }));
  const admitted = await deps.events.admitTargets(event, targets);
  const ids = targets.map((t) => (admitted ? t.minerId : ''));
  await deps.events.appendPlan(event.orgId, event.eventId, first, ids);
  if (!admitted) return 0;
  await publishWave(deps, event.orgId, event.eventId, {
    phase: 'curtail',
    wave: ADMIT_WAVE,
    attempt: 1,
    minerIds: targets.map((t) => t.minerId),
    ttlSec: settings.curtailConfirmTimeoutSec * 2,
  });
  deps.logger.info('miners admitted', { eventId: event.eventId, count: targets.length });
  return targets.length;
}
