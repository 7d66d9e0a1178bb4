// One step of the restore phase: release the miners that were never sent a curtail command,
// then send restore waves from the most efficient miner down, each wave only after the one
// before it is settled and the interval has passed, and finish the event when all is done.

import type { Progress } from '../../domain/event';
import { TARGET_TERMINAL } from '../../domain/event';
import {
  curtailedScope,
  plannedCount,
  restoreWaveCount,
  restoreWaveRange,
} from '../../domain/waves';
import type { StoredEvent } from '../../ports/event-store';
import { recordAudit } from '../audit';
import type { Deps } from '../deps';
import { publishWave } from './commands';
import { withLease } from './lease';
import { POLL_SECONDS, result, type StepInput, type StepResult } from './step';
import { checkWave } from './wave-check';

export async function restoreTick(deps: Deps, input: StepInput): Promise<StepResult> {
  const event = await deps.events.getEvent(input.orgId, input.eventId);
  if (!event || event.state !== 'restoring') return result(input, 'route', event?.rev ?? 0);
  const outcome = await withLease(deps, event, ['restoring'], (owner) =>
    advance(deps, event, owner),
  );
  if (outcome === 'lease_busy') return result(input, 'poll', event.rev, POLL_SECONDS);
  if (outcome.kind === 'finished') {
    const finished = await finish(deps, event);
    if (finished !== undefined) return result(input, 'route', finished);
    return result(input, 'poll', event.rev, POLL_SECONDS);
  }
  return result(input, 'poll', event.rev, outcome.waitSeconds);
}

type Advance = { kind: 'finished' } | { kind: 'wait'; waitSeconds: number };

async function advance(deps: Deps, event: StoredEvent, owner: string): Promise<Advance> {
  const settings = await deps.settings.get(event.orgId);
  const progress: Progress = { ...event.progress };
  if (progress.restoreScope === undefined) {
    progress.restoreScope = curtailedScope(event);
    await releaseUnsent(deps, event, progress.restoreScope);
  }
  const scope = progress.restoreScope;
  const total = restoreWaveCount(scope, event.effectiveBatchSize);

  if (progress.restoreWavesSent > 0) {
    const current = progress.restoreWavesSent - 1;
    const [wave] = await deps.events.getWaves(event.orgId, event.eventId, 'restore', [current]);
    const settled = wave
      ? wave.settledAt !== undefined || (await checkWave(deps, event, wave, settings)).settled
      : true;
    if (!settled) {
      await deps.events.setProgress(event.orgId, event.eventId, progress, owner);
      return { kind: 'wait', waitSeconds: POLL_SECONDS };
    }
  }
  if (progress.restoreWavesSent >= total) {
    await deps.events.setProgress(event.orgId, event.eventId, progress, owner);
    return { kind: 'finished' };
  }
  const now = deps.clock.now();
  const last = progress.lastRestoreWaveAt ? Date.parse(progress.lastRestoreWaveAt) : 0;
  const dueIn = last + event.restoreBatchIntervalSec * 1000 - now.getTime();
  if (dueIn > 0) {
    await deps.events.setProgress(event.orgId, event.eventId, progress, owner);
    return { kind: 'wait', waitSeconds: dueIn / 1000 };
  }

  const waveNo = progress.restoreWavesSent;
  const range = restoreWaveRange(scope, event.effectiveBatchSize, waveNo);
  const sentAt = now.toISOString();
  const record = {
    phase: 'restore' as const,
    wave: waveNo,
    ...range,
    attempt: 1,
    firstSentAt: sentAt,
    lastSentAt: sentAt,
  };
  const fresh = await deps.events.putWave(event.orgId, event.eventId, record);
  const stored = fresh
    ? record
    : ((await deps.events.getWaves(event.orgId, event.eventId, 'restore', [waveNo]))[0] ?? record);
  const minerIds = await restorable(deps, event, range.from, range.to);
  await publishWave(deps, event.orgId, event.eventId, {
    phase: 'restore',
    wave: waveNo,
    attempt: stored.attempt,
    minerIds,
    ttlSec: settings.restoreConfirmTimeoutSec * 2,
  });
  progress.restoreWavesSent = waveNo + 1;
  progress.lastRestoreWaveAt = sentAt;
  await deps.events.setProgress(event.orgId, event.eventId, progress, owner);
  return { kind: 'wait', waitSeconds: POLL_SECONDS };
}

/** Miners in the range that still need a restore command. */
async function restorable(deps: Deps, event: StoredEvent, from: number, to: number) {
  const ids = await deps.events.planSlice(event.orgId, event.eventId, from, to);
  const targets = await deps.events.getTargets(event.orgId, event.eventId, ids);
  return targets
    .filter((t) => t.phase === 'curtail' && !TARGET_TERMINAL.includes(t.state))
    .map((t) => t.minerId);
}

/** Targets whose curtail wave never went out need no restore: they are released. */
async function releaseUnsent(deps: Deps, event: StoredEvent, scope: number) {
  const planned = plannedCount(event);
  if (scope >= planned) return;
  const ids = await deps.events.planSlice(event.orgId, event.eventId, scope, planned);
  const targets = await deps.events.getTargets(event.orgId, event.eventId, ids);
  await deps.events.updateTargets(
    event.orgId,
    event.eventId,
    targets
      .filter((t) => t.phase === 'curtail' && t.state === 'pending')
      .map((t) => ({
        minerId: t.minerId,
        expect: { phase: 'curtail' as const, state: 'pending' as const },
        set: { state: 'released' as const, lastError: 'released: never sent a curtail command' },
        releaseClaim: true,
      })),
  );
}

/** Every wave settled: complete the event once every target is terminal. */
async function finish(deps: Deps, event: StoredEvent): Promise<number | undefined> {
  const states = await deps.events.targetStates(event.orgId, event.eventId);
  const open = states.filter((t) => !TARGET_TERMINAL.includes(t.state));
  if (open.length > 0) {
    // Only a release that lost a race can leave targets open here; try it again.
    deps.logger.warn('restore finished with open targets', {
      eventId: event.eventId,
      open: open.length,
    });
    await releaseUnsent(deps, event, event.progress.restoreScope ?? curtailedScope(event));
    return undefined;
  }
  const failures = states.some((t) => t.state === 'restore_failed' || t.curtailFailed);
  const state = failures ? ('completed_with_failures' as const) : ('completed' as const);
  try {
    const done = await deps.events.patchEvent(event.orgId, event.eventId, {
      expectStates: ['restoring'],
      set: { state, endedAt: deps.clock.now().toISOString() },
    });
    await recordAudit(
      deps,
      done,
      'curtailment_completed',
      { system: true },
      {
        state,
        targets: states.length,
        restoreFailed: states.filter((t) => t.state === 'restore_failed').length,
        curtailFailed: states.filter((t) => t.curtailFailed).length,
      },
    );
    deps.logger.info('event completed', { eventId: event.eventId, state });
    return done.rev;
  } catch (error) {
    deps.metrics.count('StateRaceLost');
    deps.logger.warn('completion lost a race', { eventId: event.eventId, error: String(error) });
    return event.rev;
  }
}
