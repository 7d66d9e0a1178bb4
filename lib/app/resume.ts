// Finds live events whose workflow execution is gone (a crash, a restart of the embedded
// stack, a failed execution) and resumes them from their stored state, and rolls back starts
// that died while claiming miners.

import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../ports/event-store';
import type { Deps } from './deps';
import { startWorkflow } from './start-event';

/** A start that has been claiming for this long is taken to have crashed. */
const CLAIMING_GRACE_MS = 2 * 60 * 1000;

export interface ResumeOutcome {
  live: number;
  resumed: string[];
  rolledBack: string[];
}

export async function resumeOrphans(deps: Deps): Promise<ResumeOutcome> {
  const events = await deps.events.listLiveEverywhere();
  const outcome: ResumeOutcome = { live: 0, resumed: [], rolledBack: [] };
  const now = deps.clock.now().getTime();
  for (const event of events) {
    if (event.state === 'claiming') {
      if (now - Date.parse(event.createdAt) > CLAIMING_GRACE_MS) {
        await deps.events.rollbackEvent(event.orgId, event.eventId);
        outcome.rolledBack.push(event.eventId);
      }
      continue;
    }
    outcome.live++;
    if (await executionAlive(deps, event)) continue;
    await startWorkflow(deps, event, `r${randomUUID().slice(0, 8)}`);
    outcome.resumed.push(event.eventId);
    deps.logger.warn('workflow resumed', { orgId: event.orgId, eventId: event.eventId });
  }
  return outcome;
}

async function executionAlive(deps: Deps, event: StoredEvent): Promise<boolean> {
  if (!event.executionName) return false;
  return deps.workflow.isRunning(event.executionName);
}
