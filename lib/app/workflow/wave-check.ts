// Checks one sent wave against telemetry: confirms the miners that did what they were told,
// resends to the ones that timed out while budget remains, and fails the rest.

import { sampleAfter, showsCurtailed, showsRunning } from '../../domain/confirmation';
import type { CurtailmentEvent, Target } from '../../domain/event';
import { TARGET_TERMINAL } from '../../domain/event';
import type { Miner } from '../../domain/fleet';
import { STALE_TELEMETRY_MS } from '../../domain/selector';
import type { OrgSettings } from '../../domain/settings';
import type { TargetUpdate, WaveRecord } from '../../ports/event-store';
import type { Deps } from '../deps';
import { publishWave } from './commands';

export interface WaveOutcome {
  settled: boolean;
  confirmed: number;
  failed: number;
  resent: number;
}

type Verdict = { kind: 'settled' } | { kind: 'waiting' } | { kind: 'update'; update: TargetUpdate };

function judgeCurtail(
  target: Target,
  miner: Miner | undefined,
  wave: WaveRecord,
  now: Date,
): Verdict {
  if (target.phase !== 'curtail' || target.state !== 'pending') return { kind: 'settled' };
  // Only a sample taken after the first send is evidence that the command worked.
  const sample = sampleAfter(miner?.telemetry, wave.firstSentAt);
  if (!sample || !showsCurtailed(sample, target.baselinePowerW)) return { kind: 'waiting' };
  return {
    kind: 'update',
    update: {
      minerId: target.minerId,
      expect: { phase: 'curtail', state: 'pending' },
      set: {
        state: 'confirmed',
        observedPowerW: sample.powerW,
        observedAt: sample.at,
        confirmedAt: now.toISOString(),
        lastDispatchedAt: wave.lastSentAt,
        retryCount: wave.attempt - 1,
      },
    },
  };
}

function judgeRestore(target: Target, miner: Miner | undefined, now: Date): Verdict {
  if (target.phase === 'restore' || TARGET_TERMINAL.includes(target.state)) {
    return { kind: 'settled' };
  }
  // Any fresh sample counts: a miner that never went dark is already running.
  const sample = miner?.telemetry;
  const fresh = sample && now.getTime() - Date.parse(sample.at) <= STALE_TELEMETRY_MS;
  if (!fresh || !showsRunning(sample, target.baselinePowerW)) return { kind: 'waiting' };
  return {
    kind: 'update',
    update: {
      minerId: target.minerId,
      expect: { phase: target.phase, state: target.state },
      set: {
        phase: 'restore',
        state: 'resolved',
        observedPowerW: sample.powerW,
        observedAt: sample.at,
        confirmedAt: now.toISOString(),
      },
      releaseClaim: true,
    },
  };
}

function failure(target: Target, wave: WaveRecord): TargetUpdate {
  const restore = wave.phase === 'restore';
  return {
    minerId: target.minerId,
    expect: { phase: target.phase, state: target.state },
    set: {
      phase: wave.phase,
      state: restore ? 'restore_failed' : 'curtail_failed',
      retryCount: wave.attempt - 1,
      lastDispatchedAt: wave.lastSentAt,
      lastError: `no ${wave.phase} confirmed by telemetry after ${wave.attempt} attempts`,
      ...(restore ? {} : { curtailFailed: true }),
    },
    releaseClaim: restore,
  };
}

export async function checkWave(
  deps: Deps,
  event: CurtailmentEvent,
  wave: WaveRecord,
  settings: OrgSettings,
): Promise<WaveOutcome> {
  const { orgId, eventId } = event;
  const now = deps.clock.now();
  const minerIds = await deps.events.planSlice(orgId, eventId, wave.from, wave.to);
  const [targets, miners] = await Promise.all([
    deps.events.getTargets(orgId, eventId, minerIds),
    deps.fleet.getMiners(orgId, minerIds),
  ]);
  const curtail = wave.phase === 'curtail';
  const timeoutSec = curtail
    ? settings.curtailConfirmTimeoutSec
    : settings.restoreConfirmTimeoutSec;
  const maxRetries = curtail ? settings.curtailMaxRetries : settings.restoreMaxRetries;
  const timedOut = now.getTime() - Date.parse(wave.lastSentAt) >= timeoutSec * 1000;
  const budgetLeft = wave.attempt - 1 < maxRetries;

  const confirmations: TargetUpdate[] = [];
  const failures: TargetUpdate[] = [];
  const resend: string[] = [];
  for (const target of targets) {
    const miner = miners.get(target.minerId);
    const verdict = curtail
      ? judgeCurtail(target, miner, wave, now)
      : judgeRestore(target, miner, now);
    if (verdict.kind === 'update') confirmations.push(verdict.update);
    else if (verdict.kind === 'waiting' && timedOut) {
      if (budgetLeft) resend.push(target.minerId);
      else failures.push(failure(target, wave));
    }
  }
  const waiting = targets.length - targets.filter((t) => isSettled(t, curtail)).length;
  const [confirmed, failed] = await Promise.all([
    deps.events.updateTargets(orgId, eventId, confirmations),
    deps.events.updateTargets(orgId, eventId, failures),
  ]);
  deps.metrics.count('TargetConfirmed', confirmed.size);
  if (failed.size > 0) deps.metrics.count('TargetFailed', failed.size);
  const lost = confirmations.length + failures.length - confirmed.size - failed.size;
  if (lost > 0) deps.metrics.count('StateRaceLost', lost);

  if (resend.length > 0 && (await deps.events.retryWave(orgId, eventId, wave, now.toISOString()))) {
    await publishWave(deps, orgId, eventId, {
      phase: wave.phase,
      wave: wave.wave,
      attempt: wave.attempt + 1,
      minerIds: resend,
      ttlSec: timeoutSec * 2,
    });
    deps.metrics.count('TargetRetried', resend.length);
  }
  const settled = waiting - confirmed.size - failed.size <= 0 && lost === 0;
  if (settled) await deps.events.settleWave(orgId, eventId, wave, now.toISOString());
  return { settled, confirmed: confirmed.size, failed: failed.size, resent: resend.length };
}

function isSettled(target: Target, curtail: boolean): boolean {
  if (curtail) return !(target.phase === 'curtail' && target.state === 'pending');
  return target.phase === 'restore' || TARGET_TERMINAL.includes(target.state);
}
