// One step of the curtail phase: check the waves in flight, send the next waves that are due,
// and once every target is settled move the event to active (or straight to restoring when
// nothing could be confirmed). Runs under the event's publish lease.

import type { Progress } from '../../domain/event';
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
  const now = deps.clock.now();
  const lastSent = progress.lastCurtailWaveAt ? Date.parse(progress.lastCurtailWaveAt) : 0;
  const due =
    interval > 0 && now.getTime() - lastSent < interval ? [] : dueWaves(progress, total, interval);
  if (due.length > 0) {
    // One plan read for every wave of this step; the lease held since the step began keeps
    // Stop and admin endings out until these commands are out.
    const first = curtailWaveRange(event, due[0] ?? 0).from;
    const ids = await deps.events.planSlice(
      event.orgId,
      event.eventId,
      first,
      curtailWaveRange(event, due.at(-1) ?? 0).to,
    );
    // Every wave is recorded (one transaction per 100 waves) before any of its commands go
    // out; all publishes finish before the step lets go of the lease.
    const attempts = await recordCurtailWaves(deps, event, due);
    const publishing = due.map((wave, index) => {
      const range = curtailWaveRange(event, wave);
      return publishWave(deps, event.orgId, event.eventId, {
        phase: 'curtail',
        wave,
        attempt: attempts[index] ?? 1,
        minerIds: ids.slice(range.from - first, range.to - first),
        ttlSec: settings.curtailConfirmTimeoutSec * 2,
      });
    });
    progress.curtailWavesSent = (due.at(-1) ?? progress.curtailWavesSent - 1) + 1;
    progress.lastCurtailWaveAt = deps.clock.now().toISOString();
    await Promise.all(publishing);
  }
  await deps.events.setProgress(event.orgId, event.eventId, progress, owner);

  if (progress.curtailWavesSent >= total && progress.curtailOpenWave >= total) {
    return { kind: 'settled' };
  }
  if (progress.curtailOpenWave < progress.curtailWavesSent) {
    // Every poll re-reads the open waves; a large event polls less often.
    const openTargets =
      (progress.curtailWavesSent - progress.curtailOpenWave) * event.curtailBatchSize;
    return { kind: 'wait', waitSeconds: Math.min(3, POLL_SECONDS + openTargets / 5_000) };
  }
  const last = progress.lastCurtailWaveAt ? Date.parse(progress.lastCurtailWaveAt) : 0;
  const dueIn = (last + interval - deps.clock.now().getTime()) / 1000;
  return { kind: 'wait', waitSeconds: Math.max(POLL_SECONDS, dueIn) };
}

/** Without an interval every remaining wave goes out now; with one, the next wave only. */
function dueWaves(progress: Progress, total: number, interval: number): number[] {
  const remaining = total - progress.curtailWavesSent;
  const count = interval > 0 ? Math.min(1, remaining) : remaining;
  return Array.from({ length: Math.max(0, count) }, (_, i) => progress.curtailWavesSent + i);
}

/** Records the waves and returns the attempt to send for each; a repeated step re-sends. */
async function recordCurtailWaves(deps: Deps, event: StoredEvent, waves: number[]) {
  const now = deps.clock.now().toISOString();
  const records = waves.map((wave) => ({
    phase: 'curtail' as const,
    wave,
    ...curtailWaveRange(event, wave),
    attempt: 1,
    firstSentAt: now,
    lastSentAt: now,
  }));
  const fresh = await deps.events.putWaves(event.orgId, event.eventId, records);
  const repeated = waves.filter((_, index) => !fresh[index]);
  const stored = await deps.events.getWaves(event.orgId, event.eventId, 'curtail', repeated);
  const attemptOf = new Map(stored.map((wave) => [wave.wave, wave.attempt]));
  return waves.map((wave) => attemptOf.get(wave) ?? 1);
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
