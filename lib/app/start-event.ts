// Start: select miners, persist the event with its targets and miner claims, then start the
// event's workflow. A start that loses a claim race writes nothing that survives.

import {
  AlreadyExistsError,
  DomainError,
  IdempotencyRaceError,
  InvalidArgumentError,
  ResourceExhaustedError,
} from '../domain/errors';
import {
  type CurtailmentEvent,
  defaultCurtailBatchSize,
  effectiveBatchSize,
  type StartRequestFields,
  type Target,
} from '../domain/event';
import type { Plan } from '../domain/plan';
import type { OrgSettings } from '../domain/settings';
import type { StoredEvent } from '../ports/event-store';
import { recordAudit } from './audit';
import { requireAdminFor, requireRole } from './authz';
import type { Caller, Deps } from './deps';
import { buildPlan, planAdminControls } from './plan';
import { answerWithWinner, checkScheduledStart, findReplay, hasIdentity } from './start-guards';
import { executionName } from './workflow/names';

/** The most miners one event may hold (the table and workflow are sized for it). */
export const MAX_TARGETS = 10_000;

export function startAdminControls(request: StartRequestFields, settings: OrgSettings): string[] {
  const controls = planAdminControls(request);
  const cap = settings.nonAdminIntervalCapSec;
  if (request.allowUnbounded) controls.push('allowUnbounded');
  if (request.maxDurationSeconds > settings.maxDurationDefaultSec) {
    controls.push('maxDurationSeconds above the organization default');
  }
  if (request.restoreBatchIntervalSec > cap) controls.push(`restoreBatchIntervalSec above ${cap}`);
  if (request.curtailBatchIntervalSec > cap) controls.push(`curtailBatchIntervalSec above ${cap}`);
  return controls;
}

export interface StartOutcome {
  event: StoredEvent;
  /** True when an earlier start with the same key or external pair answered instead. */
  replayed: boolean;
}

export async function startEvent(
  deps: Deps,
  caller: Caller,
  request: StartRequestFields,
): Promise<StartOutcome> {
  requireRole(caller, 'operator');
  const earlier = await findReplay(deps, caller.orgId, request);
  if (earlier) return { event: earlier, replayed: true };
  checkScheduledStart(request.scheduledStartAt, deps.clock.now());
  try {
    return await startNew(deps, caller, request);
  } catch (error) {
    // A duplicate that committed between our lookup and our selection took the miners (so the
    // plan failed) or the idempotency record: it is the answer, not an error.
    if (!(error instanceof DomainError) || !hasIdentity(request)) throw error;
    const winner = await findReplay(deps, caller.orgId, request);
    if (winner) return { event: winner, replayed: true };
    throw error;
  }
}

async function startNew(
  deps: Deps,
  caller: Caller,
  request: StartRequestFields,
): Promise<StartOutcome> {
  const settings = await deps.settings.get(caller.orgId);
  requireAdminFor(caller, startAdminControls(request, settings));

  const plan = await buildPlan(deps, caller, request, settings);
  if (plan.candidates.length === 0) {
    throw new InvalidArgumentError('no miner in scope can be curtailed', 'no_eligible_miners', {
      excluded: plan.skippedAggregate,
    });
  }
  if (plan.candidates.length > MAX_TARGETS) {
    throw new ResourceExhaustedError(
      `the plan selects ${plan.candidates.length} miners; one event holds at most ${MAX_TARGETS}`,
      'too_many_targets',
    );
  }
  const event = newEvent(deps, caller, request, settings, plan);
  const targets = plan.candidates.map((candidate, seq): Target => {
    // A hashing miner whose power reads below the floor has an unreliable meter: confirm it
    // by hashrate instead of trusting a baseline taken from that meter.
    const unreliable = candidate.powerW < plan.candidateMinPowerW && candidate.hashrateThs > 0;
    return {
      minerId: candidate.minerId,
      siteId: candidate.siteId,
      seq,
      phase: 'curtail',
      state: 'pending',
      retryCount: 0,
      ...(candidate.powerW > 0 && !unreliable ? { baselinePowerW: candidate.powerW } : {}),
    };
  });

  try {
    await deps.events.createEvent({ event, targets, skipped: plan.skipped });
  } catch (error) {
    // A duplicate won the idempotency record before anything of ours was written.
    if (error instanceof IdempotencyRaceError) return answerWithWinner(deps, caller.orgId, request);
    await rollback(deps, event, error);
    throw error;
  }
  const live = await deps.events.patchEvent(caller.orgId, event.eventId, {
    expectStates: ['claiming'],
    set: { state: 'pending' },
  });
  recordStartMetrics(deps, request, plan);
  await auditStart(deps, caller, live, plan);
  deps.logger.info('event started', {
    orgId: caller.orgId,
    eventId: event.eventId,
    targets: targets.length,
    skipped: plan.skipped.length,
  });
  await startWorkflow(deps, live);
  return { event: live, replayed: false };
}

function newEvent(
  deps: Deps,
  caller: Caller,
  request: StartRequestFields,
  settings: OrgSettings,
  plan: Plan,
): CurtailmentEvent {
  const now = deps.clock.now().toISOString();
  const selected = plan.candidates.length;
  const maxDurationSeconds = request.allowUnbounded
    ? 0
    : request.maxDurationSeconds || settings.maxDurationDefaultSec;
  return {
    orgId: caller.orgId,
    eventId: deps.ids.eventId(),
    state: 'claiming',
    mode: request.mode,
    strategy: 'least_efficient_first',
    level: 'full',
    priority: request.priority,
    scope: request.scope,
    ...(request.mode === 'fixed_kw'
      ? { targetKw: request.targetKw, toleranceKw: request.toleranceKw }
      : {}),
    reason: request.reason,
    maxDurationSeconds,
    allowUnbounded: request.allowUnbounded,
    restoreBatchSize: request.restoreBatchSize,
    restoreBatchIntervalSec: request.restoreBatchIntervalSec,
    effectiveBatchSize: effectiveBatchSize(request.restoreBatchSize, selected),
    curtailBatchSize: request.curtailBatchSize ?? defaultCurtailBatchSize(selected),
    curtailBatchIntervalSec: request.curtailBatchIntervalSec,
    minCurtailedDurationSec: request.minCurtailedDurationSec,
    includeMaintenance: request.includeMaintenance,
    forceIncludeMaintenance: request.forceIncludeMaintenance,
    postEventCooldownSec: request.priority === 'emergency' ? 0 : request.postEventCooldownSec,
    ...(request.scheduledStartAt ? { scheduledStartAt: request.scheduledStartAt } : {}),
    createdAt: now,
    updatedAt: now,
    actor: caller.actor,
    ...(request.externalSource ? { externalSource: request.externalSource } : {}),
    ...(request.externalReference ? { externalReference: request.externalReference } : {}),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    targetCount: selected,
    plannedCount: selected,
    decision: {
      candidateMinPowerW: plan.candidateMinPowerW,
      selectedCount: selected,
      skippedCount: plan.skipped.length,
      skippedAggregate: plan.skippedAggregate,
      estimatedReductionKw: plan.estimatedReductionKw,
      estimatedRemainingPowerKw: plan.estimatedRemainingPowerKw,
      selectedAt: now,
    },
    progress: { curtailWavesSent: 0, curtailOpenWave: 0, restoreWavesSent: 0 },
    rev: 0,
  };
}

async function rollback(deps: Deps, event: CurtailmentEvent, cause: unknown) {
  try {
    await deps.events.rollbackEvent(event.orgId, event.eventId);
  } catch (error) {
    // The event stays in `claiming`, invisible to readers; the sweep finishes the rollback.
    deps.logger.error('start rollback failed', {
      eventId: event.eventId,
      error: String(error),
      cause: cause instanceof AlreadyExistsError ? cause.reason : String(cause),
    });
  }
}

async function auditStart(deps: Deps, caller: Caller, event: CurtailmentEvent, plan: Plan) {
  await recordAudit(deps, event, 'curtailment_started', caller.actor, {
    mode: event.mode,
    priority: event.priority,
    scopeType: event.scope.type,
    targetKw: event.targetKw,
    toleranceKw: event.toleranceKw,
    selectedCount: plan.candidates.length,
    skippedCount: plan.skipped.length,
    maxDurationSeconds: event.maxDurationSeconds,
    allowUnbounded: event.allowUnbounded,
    forceIncludeMaintenance: event.forceIncludeMaintenance,
    reason: event.reason,
  });
  if (event.allowUnbounded) {
    await recordAudit(deps, event, 'curtailment_unbounded_start', caller.actor, {
      reason: event.reason,
    });
  }
  if (event.forceIncludeMaintenance) {
    await recordAudit(deps, event, 'curtailment_force_include_maintenance', caller.actor, {
      maintenanceSelected: plan.candidates.length,
    });
  }
}

function recordStartMetrics(deps: Deps, request: StartRequestFields, plan: Plan) {
  deps.metrics.count('EventsStarted');
  for (const [reason, count] of Object.entries(plan.skippedAggregate)) {
    deps.metrics.count('CandidateExcluded', count, { Reason: reason });
  }
  if (request.forceIncludeMaintenance) deps.metrics.count('MaintenanceOverride');
}

/** Starts (or restarts) the workflow; a failure leaves the event for the sweep to resume. */
export async function startWorkflow(deps: Deps, event: CurtailmentEvent, suffix?: string) {
  const name = executionName(event.eventId, suffix);
  try {
    await deps.workflow.start(name, { orgId: event.orgId, eventId: event.eventId });
    await deps.events.recordExecution(event.orgId, event.eventId, name);
  } catch (error) {
    deps.metrics.count('WorkflowStartFailed');
    deps.logger.error('workflow start failed', { eventId: event.eventId, error: String(error) });
  }
}
