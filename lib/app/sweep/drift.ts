// Drift during the hold: a confirmed miner that runs again is told to curtail again, per miner
// (not per wave), within the curtail retry budget; a drifted miner that goes dark again is
// confirmed again.

import { sampleAfter, showsCurtailed, showsRunning } from '../../domain/confirmation';
import type { Target } from '../../domain/event';
import type { Miner } from '../../domain/fleet';
import { STALE_TELEMETRY_MS } from '../../domain/selector';
import type { OrgSettings } from '../../domain/settings';
import type { StoredEvent, TargetUpdate } from '../../ports/event-store';
import type { Deps } from '../deps';
import { publishWave } from '../workflow/commands';

/** Drift re-sends carry this wave number so their command ids never collide with a wave's. */
export const DRIFT_WAVE = -1;

export interface DriftOutcome {
  drifted: number;
  reconfirmed: number;
  failed: number;
  /** Baseline power of the miners confirmed dark: the load this event is shedding now. */
  shedKw: number;
}

function fresh(miner: Miner | undefined, nowMs: number) {
  const sample = miner?.telemetry;
  return sample && nowMs - Date.parse(sample.at) <= STALE_TELEMETRY_MS ? sample : undefined;
}

export async function reconcileDrift(
  deps: Deps,
  event: StoredEvent,
  settings: OrgSettings,
): Promise<DriftOutcome> {
  const states = await deps.events.targetStates(event.orgId, event.eventId);
  // Dispatched targets here are admitted miners, sent one by one rather than in a wave.
  const watched = states.filter(
    (t) => t.phase === 'curtail' && ['confirmed', 'drifted', 'dispatched'].includes(t.state),
  );
  if (watched.length === 0) return { drifted: 0, reconfirmed: 0, failed: 0, shedKw: 0 };
  const ids = watched.map((t) => t.minerId);
  const [targets, miners] = await Promise.all([
    deps.events.getTargets(event.orgId, event.eventId, ids),
    deps.fleet.getMiners(event.orgId, ids),
  ]);
  const now = deps.clock.now();
  const timeoutMs = settings.curtailConfirmTimeoutSec * 1000;
  const resend: { target: Target; attempt: number }[] = [];
  const updates: TargetUpdate[] = [];
  let reconfirmed = 0;
  let failed = 0;

  for (const target of targets) {
    const miner = miners.get(target.minerId);
    if (target.state === 'confirmed') {
      const sample = fresh(miner, now.getTime());
      if (sample && showsRunning(sample, target.baselinePowerW)) {
        resend.push({ target, attempt: target.retryCount + 1 });
      }
      continue;
    }
    const since = target.lastDispatchedAt;
    const sample = sampleAfter(miner?.telemetry, since);
    if (sample && showsCurtailed(sample, target.baselinePowerW)) {
      reconfirmed++;
      updates.push({
        minerId: target.minerId,
        expect: {
          phase: 'curtail',
          state: target.state,
          ...(target.commandId ? { commandId: target.commandId } : {}),
        },
        set: {
          state: 'confirmed',
          observedPowerW: sample.powerW,
          observedAt: sample.at,
          confirmedAt: now.toISOString(),
        },
      });
    } else if (since && now.getTime() - Date.parse(since) >= timeoutMs) {
      if (target.retryCount < settings.curtailMaxRetries) {
        resend.push({ target, attempt: target.retryCount + 1 });
      } else {
        failed++;
        updates.push({
          minerId: target.minerId,
          expect: { phase: 'curtail', state: target.state },
          set: {
            state: 'curtail_failed',
            curtailFailed: true,
            lastError: `not curtailed after ${target.retryCount + 1} attempts`,
          },
        });
      }
    }
  }
  await deps.events.updateTargets(event.orgId, event.eventId, updates);
  const drifted = await redispatch(deps, event, resend, settings);
  const resent = new Set(resend.map(({ target }) => target.minerId));
  const shedW = targets
    .filter((t) => t.state === 'confirmed' && !resent.has(t.minerId))
    .reduce((sum, t) => sum + (t.baselinePowerW ?? 0), 0);
  return { drifted, reconfirmed, failed, shedKw: Math.round(shedW) / 1000 };
}

/** Records each re-send on its target first, then publishes only what was recorded. */
async function redispatch(
  deps: Deps,
  event: StoredEvent,
  resend: { target: Target; attempt: number }[],
  settings: OrgSettings,
) {
  if (resend.length === 0) return 0;
  const sentAt = deps.clock.now().toISOString();
  const byAttempt = new Map<number, string[]>();
  const won = await deps.events.updateTargets(
    event.orgId,
    event.eventId,
    resend.map(({ target, attempt }) => ({
      minerId: target.minerId,
      expect: { phase: 'curtail', state: target.state },
      set: {
        state: 'drifted',
        retryCount: attempt,
        lastDispatchedAt: sentAt,
        lastError:
          target.state === 'confirmed'
            ? 'running again while curtailed'
            : 'no curtailment confirmed yet; sent again',
      },
    })),
  );
  for (const { target, attempt } of resend) {
    if (!won.has(target.minerId)) continue;
    byAttempt.set(attempt, [...(byAttempt.get(attempt) ?? []), target.minerId]);
  }
  for (const [attempt, minerIds] of byAttempt) {
    await publishWave(deps, event.orgId, event.eventId, {
      phase: 'curtail',
      wave: DRIFT_WAVE,
      attempt,
      minerIds,
      ttlSec: settings.curtailConfirmTimeoutSec * 2,
    });
  }
  deps.metrics.count('TargetRetried', won.size);
  return won.size;
}
