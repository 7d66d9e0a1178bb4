// One step of the curtail phase: check the waves in flight, send the next waves that are due,
// and once every target is settled move the event to active (or straight to restoring when
// nothing could be confirmed). Runs under the event's publish lease.

import { curtailWaveCount, curtailWaveRange } from '../../domain/waves';
import type { StoredEvent } from '../../ports/event-store';
import { recordAudit } from '../audit';
import type { Deps } from '../deps';
import { publishWave } from './commands';
import { withLease } from './lease';
import { POLL_SECONDS, result, type StepInput, type StepResult } from './step';
import { checkWave } from './wave-check';

export async function curtailTick(deps: Deps, input: StepInput): Promise<StepResult> {
  const event = await deps.events.getEvent(input.orgId, input.eventId);
  if (!event || event.state !== 'pending') return result(input, 'route', event?.rev ?? 0);
  const outcome = await withLease(deps, event, ['pending'], (owner) => advance(deps, event, owner));
  if (outcome === 'lease_busy') return result(input, 'poll', event.rev, POLL_SECONDS);
  if (outcome.kind === 'settled') return result(input, 'route', await settle(deps, event));
  return result(input, 'poll', event.rev, outcome.waitSeconds);
}

type Advance = { kind: 'settled' } | { kind: 'wait'; waitSeconds: number };

async function advance(deps: Deps, event: StoredEvent, owner: string): Promise<Advance> {
  const settings = await deps.settings.get(event.orgId);
  const progress = { ...event.progress };
  const total = curtailWaveCount(event);

  const open = Array.from(
    { length: progress.curtailWavesSent - progress.curtailOpenWave },
    (_, i) => progress.curtailOpenWave + i,
  );
  const waves = await deps.events.getWaves(event.orgId, event.eventId, 'curtail', open);
  const outcomes = await Promise.all(waves.map((wave) => checkWave(deps, event, wave, settings)));
  const firstOpen = outcomes.findIndex((outcome) => !outcome.settled);
  progress.curtailOpenWave =
    firstOpen < 0 ? progress.curtailWavesSent : (waves[firstOpen]?.wave ?? 0);

  const interval = event.curtailBatchIntervalSec * 1000;
  while (progress.curtailWavesSent < total) {
    const now = deps.clock.now();
    const last = progress.lastCurtailWaveAt ? Date.parse(progress.lastCurtailWaveAt) : 0;
    if (interval > 0 && now.getTime() - last < interval) break;
    // Renewing the lease re-checks that the event is still pending before every wave.
    if (!(await deps.events.acquireLease(event.orgId, event.eventId, owner, 60_000, ['pending']))) {
      break;
    }
    await sendCurtailWave(
      deps,
      event,
      progress.curtailWavesSent,
      settings.curtailConfirmTimeoutSec,
    );
    progress.curtailWavesSent += 1;
    progress.lastCurtailWaveAt = now.toISOString();
    if (interval > 0) break;
  }
  await deps.events.setProgress(event.orgId, event.eventId, progress, owner);

  if (progress.curtailWavesSent >= total && progress.curtailOpenWave >= total) {
    return { kind: 'settled' };
  }
  if (progress.curtailOpenWave < progress.curtailWavesSent) {
    return { kind: 'wait', waitSeconds: POLL_SECONDS };
  }
  const last = progress.lastCurtailWaveAt ? Date.parse(progress.lastCurtailWaveAt) : 0;
  const dueIn = (last + interval - deps.clock.now().getTime()) / 1000;
  return { kind: 'wait', waitSeconds: Math.max(POLL_SECONDS, dueIn) };
}

async function sendCurtailWave(deps: Deps, event: StoredEvent, wave: number, timeoutSec: number) {
  const range = curtailWaveRange(event, wave);
  const now = deps.clock.now().toISOString();
  const recorded = {
    phase: 'curtail' as const,
    wave,
    ...range,
    attempt: 1,
    firstSentAt: now,
    lastSentAt: now,
  };
  // A wave already recorded by an interrupted step is sent again with the same command ids.
  const fresh = await deps.events.putWave(event.orgId, event.eventId, recorded);
  const stored = fresh
    ? recorded
    : ((await deps.events.getWaves(event.orgId, event.eventId, 'curtail', [wave]))[0] ?? recorded);
  const minerIds = await deps.events.planSlice(event.orgId, event.eventId, range.from, range.to);
  await publishWave(deps, event.orgId, event.eventId, {
    phase: 'curtail',
    wave,
    attempt: stored.attempt,
    minerIds,
    ttlSec: timeoutSec * 2,
  });
}

/** Every target settled: active when at least one miner is confirmed dark. */
async function settle(deps: Deps, event: StoredEvent): Promise<number> {
  const states = await deps.events.targetStates(event.orgId, event.eventId);
  const confirmed = states.filter((t) => t.phase === 'curtail' && t.state === 'confirmed').length;
  const now = deps.clock.now().toISOString();
  const next =
    confirmed > 0
      ? { state: 'active' as const, startedAt: now }
      : { state: 'restoring' as const, restoreStartedAt: now, endReason: 'nothing_confirmed' };
  try {
    const updated = await deps.events.patchEvent(event.orgId, event.eventId, {
      expectStates: ['pending'],
      set: next,
    });
    if (next.state === 'active') {
      await recordAudit(
        deps,
        updated,
        'curtailment_activated',
        { system: true },
        {
          confirmed,
          total: states.length,
        },
      );
    }
    deps.logger.info('curtail phase settled', {
      eventId: event.eventId,
      confirmed,
      next: next.state,
    });
    return updated.rev;
  } catch (error) {
    deps.metrics.count('StateRaceLost');
    deps.logger.warn('activation lost a race', { eventId: event.eventId, error: String(error) });
    return event.rev;
  }
}
