// Writes audit rows. A failed audit write never undoes the action it describes: it is
// logged and counted so an operator can see the trail has a gap.

import type { CurtailmentEvent } from '../domain/event';
import type { AuditActor, AuditType } from '../ports/audit-log';
import type { Caller, Deps } from './deps';

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'curtail' };

export async function recordAudit(
  deps: Deps,
  event: Pick<CurtailmentEvent, 'orgId' | 'eventId'>,
  type: AuditType,
  actor: Caller['actor'] | { system: true },
  details: Record<string, unknown>,
): Promise<void> {
  const row = {
    auditId: deps.ids.token(),
    at: deps.clock.now().toISOString(),
    orgId: event.orgId,
    eventId: event.eventId,
    type,
    actor: 'system' in actor ? SYSTEM_ACTOR : actor,
    details,
  };
  try {
    await deps.audit.append(row);
  } catch (error) {
    deps.metrics.count('AuditWriteFailed', 1, { Type: type });
    deps.logger.error('audit write failed', { eventId: event.eventId, type, error: String(error) });
  }
}
