// The selector: classifies every miner in scope, ranks the eligible ones worst efficiency
// first and picks what the mode asks for. Pure: the caller supplies the fleet and the clock.

import { InvalidArgumentError } from './errors';
import { effectiveStatus, efficiencyJth, type Miner } from './fleet';
import type { Candidate, ExclusionReason, Plan, PlanRequest, Skipped } from './plan';
import { EXCLUSION_REASONS } from './plan';

/** Telemetry older than this is stale. */
export const STALE_TELEMETRY_MS = 15 * 60 * 1000;

export interface SelectorInput {
  request: PlanRequest;
  miners: Miner[];
  candidateMinPowerW: number;
  now: Date;
}

function isUsableNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function inCooldown(miner: Miner, request: PlanRequest, nowMs: number): boolean {
  const cooldownSec = request.priority === 'emergency' ? 0 : request.postEventCooldownSec;
  if (cooldownSec <= 0 || !miner.releasedAt) return false;
  return nowMs - Date.parse(miner.releasedAt) < cooldownSec * 1000;
}

/** The first exclusion that applies to a miner in any mode, or undefined when eligible. */
export function classify(
  miner: Miner,
  request: PlanRequest,
  nowMs: number,
): ExclusionReason | undefined {
  if (miner.claimEventId) return 'active_event';
  if (!miner.commandable) return 'not_commandable';
  if (!miner.capabilities.includes('curtail_full')) return 'curtail_full_unsupported';

  const sample = miner.telemetry;
  const sampleMs = sample ? Date.parse(sample.at) : Number.NaN;
  const fresh =
    sample !== undefined &&
    Number.isFinite(sampleMs) &&
    nowMs - sampleMs <= STALE_TELEMETRY_MS &&
    isUsableNumber(sample.powerW) &&
    isUsableNumber(sample.hashrateThs);
  if (!fresh) return 'stale_telemetry';

  switch (effectiveStatus(miner)) {
    case 'updating':
      return 'updating';
    case 'reboot_required':
      return 'reboot_required';
    case 'offline':
      return 'unreachable_residual_load';
    case 'sleeping':
      return 'non_actionable_status';
    case 'maintenance':
      if (!(request.includeMaintenance && request.forceIncludeMaintenance)) return 'maintenance';
      break;
    default:
      break;
  }
  if (inCooldown(miner, request, nowMs)) return 'cooldown';
  return undefined;
}

/** The dual-signal check that keeps fictional or unverifiable load out of kW targets. */
function classifyForFixedKw(powerW: number, hashrateThs: number, floorW: number) {
  if (powerW < floorW && hashrateThs <= 0) return 'below_candidate_min_power_w' as const;
  if (powerW < floorW) return 'power_telemetry_unreliable' as const;
  if (hashrateThs <= 0) return 'phantom_load_no_hash' as const;
  return undefined;
}

/** Worst efficiency first, unknown efficiency last, ties by miner id. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  const ea = a.efficiencyJth;
  const eb = b.efficiencyJth;
  if (ea !== undefined && eb !== undefined && ea !== eb) return eb - ea;
  if (ea === undefined && eb !== undefined) return 1;
  if (ea !== undefined && eb === undefined) return -1;
  return a.minerId < b.minerId ? -1 : a.minerId > b.minerId ? 1 : 0;
}

function aggregate(skipped: Skipped[]): Plan['skippedAggregate'] {
  const counts: Plan['skippedAggregate'] = {};
  for (const { reason } of skipped) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function selectMiners(input: SelectorInput): Plan {
  const { request, candidateMinPowerW } = input;
  const nowMs = input.now.getTime();
  const eligible: Candidate[] = [];
  const skipped: Skipped[] = [];

  for (const miner of input.miners) {
    let reason = classify(miner, request, nowMs);
    const sample = miner.telemetry;
    if (!reason && sample && request.mode === 'fixed_kw') {
      reason = classifyForFixedKw(sample.powerW, sample.hashrateThs, candidateMinPowerW);
    }
    if (reason || !sample) {
      skipped.push({ minerId: miner.minerId, reason: reason ?? 'stale_telemetry' });
      continue;
    }
    eligible.push({
      minerId: miner.minerId,
      siteId: miner.siteId,
      powerW: sample.powerW,
      hashrateThs: sample.hashrateThs,
      efficiencyJth: efficiencyJth(sample),
      reasonSelected: 'least_efficient_first',
    });
  }
  eligible.sort(compareCandidates);
  skipped.sort((a, b) => (a.minerId < b.minerId ? -1 : a.minerId > b.minerId ? 1 : 0));

  const selected = request.mode === 'fixed_kw' ? pickForTarget(eligible, input) : eligible;
  const selectedW = selected.reduce((sum, c) => sum + c.powerW, 0);
  const eligibleW = eligible.reduce((sum, c) => sum + c.powerW, 0);
  return {
    mode: request.mode,
    targetKw: request.targetKw,
    toleranceKw: request.toleranceKw,
    candidateMinPowerW,
    candidates: selected,
    skipped,
    skippedAggregate: aggregate(skipped),
    estimatedReductionKw: round3(selectedW / 1000),
    estimatedRemainingPowerKw: round3((eligibleW - selectedW) / 1000),
  };

  function pickForTarget(ranked: Candidate[], { request: req }: SelectorInput): Candidate[] {
    // Compared in whole milliwatts: kW to W in binary floating point is inexact (16.1 * 1000 is
    // 16100.000000000002), which left exactly 16,100 W short of a 16.1 kW target. A positive
    // target always needs at least 1 mW.
    const targetMw = Math.max(1, Math.round((req.targetKw ?? 0) * 1_000_000));
    const goalMw = targetMw - Math.round(req.toleranceKw * 1_000_000);
    const picked: Candidate[] = [];
    let sumW = 0;
    let sumMw = 0;
    for (const candidate of ranked) {
      if (sumMw >= targetMw) break;
      picked.push(candidate);
      sumW += candidate.powerW;
      sumMw += Math.round(candidate.powerW * 1000);
    }
    if (sumMw >= targetMw) return picked;
    if (sumMw >= goalMw && sumMw > 0) return picked;
    throw insufficientLoad(sumW, req, candidateMinPowerW, skipped);
  }
}

function insufficientLoad(
  availableW: number,
  request: PlanRequest,
  floorW: number,
  skipped: Skipped[],
): InvalidArgumentError {
  const counts = aggregate(skipped);
  const excluded: Record<string, number> = {};
  for (const reason of EXCLUSION_REASONS) {
    const count = counts[reason];
    if (count) excluded[reason] = count;
  }
  const availableKw = round3(availableW / 1000);
  const requestedKw = request.targetKw ?? 0;
  return new InvalidArgumentError(
    `insufficient curtailable load: ${availableKw.toFixed(3)} kW available, ` +
      `${requestedKw.toFixed(3)} kW requested, tolerance ${request.toleranceKw.toFixed(3)} kW`,
    'insufficient_load',
    {
      availableKw,
      requestedKw,
      toleranceKw: request.toleranceKw,
      candidateMinPowerW: floorW,
      excluded,
    },
  );
}
