// The signal worker: applies the newest recorded revision of a signal to the source's event
// for that external id (start it, move its end, restore it or drop it), as the source's
// configured actor, then marks the revision settled. An older revision is never applied.

import { AlreadyExistsError, DomainError } from '../../domain/errors';
import type { StartRequestFields } from '../../domain/event';
import type { Scope } from '../../domain/plan';
import { STALE_TELEMETRY_MS } from '../../domain/selector';
import { type Signal, type SignalSource, signalWindow } from '../../domain/signal';
import type { StoredEvent } from '../../ports/event-store';
import type { SignalRecord } from '../../ports/signal-store';
import { recordAudit } from '../audit';
import type { Caller, Deps } from '../deps';
import { forceRelease } from '../end-event';
import { resolveScope } from '../plan';
import { startEvent } from '../start-event';
import { stopEvent } from '../stop-event';
import { updateEvent } from '../update-event';

type Result = { eventId?: string; outcome: string };

export async function applySignal(
  deps: Deps,
  ref: Pick<SignalRecord, 'orgId' | 'sourceId' | 'externalId' | 'revision'>,
): Promise<Result> {
  const record = await deps.signals.getSignal(ref.orgId, ref.sourceId, ref.externalId);
  if (!record || record.revision !== ref.revision || record.status !== 'received') {
    return { outcome: 'superseded or already applied' };
  }
  const found = await deps.signals.getSource(ref.sourceId);
  if (!found || found.source.orgId !== ref.orgId) return { outcome: 'source gone' };
  const { source } = found;
  const caller: Caller = {
    orgId: source.orgId,
    // The source's defaults were set by an admin, so its starts may use admin-only controls.
    role: 'admin',
    actor: { type: 'api_key', id: `source:${source.sourceId}` },
  };
  let result: Result;
  try {
    result = await apply(deps, caller, source, record.signal);
    await deps.signals.settleSignal(record, 'applied', result);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    result = { outcome: `refused: ${error.reason}: ${error.message}` };
    await deps.signals.settleSignal(record, 'failed', result);
  }
  await recordAudit(
    deps,
    { orgId: source.orgId, eventId: result.eventId ?? `signal:${source.sourceId}` },
    'signal_received',
    caller.actor,
    {
      sourceId: source.sourceId,
      externalId: record.externalId,
      revision: record.revision,
      action: record.signal.action,
      mode: record.signal.mode,
      valueKw: record.signal.valueKw,
      outcome: result.outcome,
    },
  );
  deps.logger.info('signal applied', {
    sourceId: source.sourceId,
    externalId: record.externalId,
    ...result,
  });
  return result;
}

async function apply(
  deps: Deps,
  caller: Caller,
  source: SignalSource,
  signal: Signal,
): Promise<Result> {
  const live = await deps.events.findByIdempotency(caller.orgId, 'pair', {
    externalSource: source.sourceId,
    externalReference: signal.externalId,
  });
  const now = deps.clock.now();
  const window = signalWindow(signal, now);
  if (signal.action === 'restore' || signal.action === 'cancel' || window.ended) {
    return live ? end(deps, caller, live, signal.action) : { outcome: 'nothing to end' };
  }
  if (!live) return start(deps, caller, source, signal);
  if (notStarted(live)) {
    // Nothing was sent yet: replace the plan outright.
    await forceRelease(deps, caller, live.eventId, `replaced by revision ${signal.revision}`);
    const replaced = await start(deps, caller, source, signal);
    return { ...replaced, outcome: `replaced ${live.eventId}; ${replaced.outcome}` };
  }
  if (live.state === 'restoring') return { eventId: live.eventId, outcome: 'already restoring' };
  const durationSec = window.durationSec;
  if (durationSec === undefined)
    return { eventId: live.eventId, outcome: 'no end given; unchanged' };
  const startedMs = Date.parse(live.startedAt ?? live.createdAt);
  const wanted = Math.max(
    1,
    Math.min(604_800, Math.ceil((Date.parse(signal.end ?? '') - startedMs) / 1000)),
  );
  await updateEvent(deps, caller, live.eventId, { maxDurationSeconds: wanted });
  return { eventId: live.eventId, outcome: `end moved: maxDurationSeconds ${wanted}` };
}

function notStarted(event: StoredEvent): boolean {
  return event.state === 'pending' && event.progress.curtailWavesSent === 0;
}

async function end(
  deps: Deps,
  caller: Caller,
  event: StoredEvent,
  action: Signal['action'],
): Promise<Result> {
  if (notStarted(event)) {
    await forceRelease(deps, caller, event.eventId, `signal ${action} before the start`);
    return { eventId: event.eventId, outcome: 'dropped before any command was sent' };
  }
  await stopEvent(deps, caller, event.eventId, { force: true });
  return { eventId: event.eventId, outcome: 'staged restore started' };
}

async function start(
  deps: Deps,
  caller: Caller,
  source: SignalSource,
  signal: Signal,
): Promise<Result> {
  const scope = signal.scope ?? source.defaultScope;
  const targetKw = await targetFor(deps, caller.orgId, scope, signal);
  if (targetKw !== undefined && targetKw <= 0)
    return { outcome: 'load already under the cap; nothing to shed' };
  const window = signalWindow(signal, deps.clock.now());
  const unbounded = window.durationSec === undefined && source.response.openEndedUnbounded;
  const request: StartRequestFields = {
    scope,
    mode: signal.mode === 'full_stop' ? 'full_fleet' : 'fixed_kw',
    ...(targetKw !== undefined ? { targetKw } : {}),
    toleranceKw: 0,
    strategy: 'least_efficient_first',
    level: 'full',
    priority: signal.priority ?? source.response.priority,
    includeMaintenance: false,
    forceIncludeMaintenance: false,
    postEventCooldownSec: 0,
    reason: signal.reason ?? `signal ${signal.externalId} from ${source.name}`,
    maxDurationSeconds: unbounded
      ? 0
      : Math.min(604_800, window.durationSec ?? source.response.maxDurationSeconds),
    allowUnbounded: unbounded,
    restoreBatchSize: source.response.restoreBatchSize,
    restoreBatchIntervalSec: source.response.restoreBatchIntervalSec,
    ...(source.response.curtailBatchSize
      ? { curtailBatchSize: source.response.curtailBatchSize }
      : {}),
    curtailBatchIntervalSec: 0,
    minCurtailedDurationSec: 0,
    ...(window.scheduledStartAt ? { scheduledStartAt: window.scheduledStartAt } : {}),
    externalSource: source.sourceId,
    externalReference: signal.externalId,
  };
  const { event, replayed } = await startRetryingClaims(deps, caller, request);
  return {
    eventId: event.eventId,
    outcome: replayed ? 'already started' : `started (${request.mode})`,
  };
}

/**
 * Signals often arrive together; when another start claims the same miners first, selecting
 * again skips them, so a lost claim race is retried rather than reported to the grid.
 */
async function startRetryingClaims(deps: Deps, caller: Caller, request: StartRequestFields) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEvent(deps, caller, request);
    } catch (error) {
      const raced =
        error instanceof AlreadyExistsError && error.reason === 'device_already_curtailed';
      if (!raced || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** kW to shed: the value itself, or what brings the live load down to a site cap. */
async function targetFor(deps: Deps, orgId: string, scope: Scope, signal: Signal) {
  if (signal.mode === 'full_stop') return undefined;
  const value = signal.valueKw ?? 0;
  if (signal.mode === 'reduce_by_kw') return value;
  const miners = await resolveScope(deps, orgId, { scope });
  const nowMs = deps.clock.now().getTime();
  const loadW = miners.reduce((sum, miner) => {
    const sample = miner.telemetry;
    const fresh = sample && nowMs - Date.parse(sample.at) <= STALE_TELEMETRY_MS;
    return sum + (fresh ? sample.powerW : 0);
  }, 0);
  return Math.round((loadW / 1000 - value) * 1000) / 1000;
}
