// One run of the reconciler sweep across every organization: each live event gets a fair
// share of the time budget, a failure in one event is counted and the others go on, and the
// heartbeat is written whatever happened, because it measures freshness, not query health.

import type { StoredEvent } from '../../ports/event-store';
import type { Deps } from '../deps';
import { type EventAction, reconcileEvent } from './reconcile-event';

export interface SweepOutcome {
  liveEvents: number;
  failedEvents: number;
  actions: Partial<Record<EventAction | 'timed_out', number>>;
  queryFailed: boolean;
  durationMs: number;
}

class SliceTimeout extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SliceTimeout('event slice exceeded')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function runSweep(
  deps: Deps,
  options: { budgetMs: number; resumeGraceMs?: number },
): Promise<SweepOutcome> {
  const started = deps.clock.now();
  const deadline = Date.now() + options.budgetMs;
  const outcome: SweepOutcome = {
    liveEvents: 0,
    failedEvents: 0,
    actions: {},
    queryFailed: false,
    durationMs: 0,
  };
  let events: StoredEvent[] = [];
  try {
    events = await deps.events.listLiveEverywhere();
  } catch (error) {
    outcome.queryFailed = true;
    deps.metrics.count('ReconcilerTickFailed');
    deps.logger.error('sweep could not list live events', { error: String(error) });
  }
  outcome.liveEvents = events.filter((event) => event.state !== 'claiming').length;

  // Oldest first, so a backlog is worked off in order; each event gets an equal share of
  // what is left, so one slow event cannot starve the rest.
  events.sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
  const shed = { kw: 0 };
  for (const [index, event] of events.entries()) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const slice = Math.max(250, Math.floor(left / (events.length - index)));
    try {
      const action = await within(reconcileEvent(deps, event, shed, options.resumeGraceMs), slice);
      outcome.actions[action] = (outcome.actions[action] ?? 0) + 1;
    } catch (error) {
      const timedOut = error instanceof SliceTimeout;
      if (timedOut) outcome.actions.timed_out = (outcome.actions.timed_out ?? 0) + 1;
      outcome.failedEvents++;
      deps.metrics.count('ReconcilerTickFailed');
      deps.logger.error('sweep failed for an event', {
        orgId: event.orgId,
        eventId: event.eventId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  await redispatchSignals(deps, started);

  outcome.durationMs = deps.clock.now().getTime() - started.getTime();
  deps.metrics.milliseconds('ReconcilerTickDuration', outcome.durationMs);
  deps.metrics.count('ActiveEvents', outcome.liveEvents);
  // Every organization together: per-tenant figures belong in logs, not in dimensions.
  deps.metrics.count('ShedKw', shed.kw);
  try {
    await deps.heartbeat.record({
      tickAt: started.toISOString(),
      durationMs: outcome.durationMs,
      liveEvents: outcome.liveEvents,
      failedEvents: outcome.failedEvents,
      queryFailed: outcome.queryFailed,
    });
  } catch (error) {
    deps.metrics.count('ReconcilerTickFailed');
    deps.logger.error('heartbeat write failed', { error: String(error) });
  }
  return outcome;
}

/** Signals recorded but never applied (a lost asynchronous dispatch) are handed over again. */
async function redispatchSignals(deps: Deps, now: Date) {
  try {
    const stuck = await deps.signals.listUnapplied(new Date(now.getTime() - 30_000).toISOString());
    for (const record of stuck) await deps.signalQueue.enqueue(record);
    if (stuck.length > 0) deps.logger.warn('signals re-dispatched', { count: stuck.length });
  } catch (error) {
    deps.metrics.count('ReconcilerTickFailed');
    deps.logger.error('signal re-dispatch failed', { error: String(error) });
  }
}
