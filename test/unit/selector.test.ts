// The selector against the contract in api.md: each exclusion reason on its own, their order
// (first match wins), ranking, the fixed_kw stop rule, tolerance and insufficient_load.

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../lib/domain/errors';
import type { Miner, TelemetrySample } from '../../lib/domain/fleet';
import type { Candidate, ExclusionReason, Plan, PlanRequest } from '../../lib/domain/plan';
import { EXCLUSION_REASONS } from '../../lib/domain/plan';
import {
  classify,
  compareCandidates,
  STALE_TELEMETRY_MS,
  selectMiners,
} from '../../lib/domain/selector';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const NOW_MS = NOW.getTime();
const FLOOR_W = 1_500;

function ago(ms: number): string {
  return new Date(NOW_MS - ms).toISOString();
}

function sample(overrides: Partial<TelemetrySample> = {}): TelemetrySample {
  return { at: ago(60_000), powerW: 3_000, hashrateThs: 100, ...overrides };
}

function miner(minerId: string, overrides: Partial<Miner> = {}): Miner {
  return {
    minerId,
    siteId: 'site-1',
    model: 'S19',
    nominalPowerW: 3_250,
    nominalHashrateThs: 100,
    status: 'online',
    commandable: true,
    capabilities: ['curtail_full'],
    telemetry: sample(),
    ...overrides,
  };
}

/** A miner drawing `powerW` at `jth` J/TH. */
function drawing(minerId: string, powerW: number, jth: number, overrides: Partial<Miner> = {}) {
  return miner(minerId, { telemetry: sample({ powerW, hashrateThs: powerW / jth }), ...overrides });
}

function request(overrides: Partial<PlanRequest> = {}): PlanRequest {
  return {
    scope: { type: 'org' },
    mode: 'full_fleet',
    toleranceKw: 0,
    strategy: 'least_efficient_first',
    level: 'full',
    priority: 'normal',
    includeMaintenance: false,
    forceIncludeMaintenance: false,
    postEventCooldownSec: 0,
    ...overrides,
  };
}

function fixedKw(targetKw: number, overrides: Partial<PlanRequest> = {}): PlanRequest {
  return request({ mode: 'fixed_kw', targetKw, ...overrides });
}

function select(miners: Miner[], req: PlanRequest, candidateMinPowerW = FLOOR_W): Plan {
  return selectMiners({ request: req, miners, candidateMinPowerW, now: NOW });
}

/**
 * The reason the selector gives for one miner, or 'eligible'. A large filler miner keeps a
 * fixed_kw plan satisfiable so the miner under test is classified, not the whole plan refused.
 */
function reasonFor(
  subject: Miner,
  req: PlanRequest = request(),
  candidateMinPowerW = FLOOR_W,
): ExclusionReason | 'eligible' {
  const filler = drawing('zz-filler', 50_000, 50);
  const plan = select([subject, filler], req, candidateMinPowerW);
  const skipped = plan.skipped.find((s) => s.minerId === subject.minerId);
  return skipped ? skipped.reason : 'eligible';
}

function insufficientLoadOf(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected insufficient_load, the plan succeeded');
}

const FULL = request();
const FIXED = fixedKw(1);

describe('exclusion reasons', () => {
  it('lists the 13 reasons in the contract order', () => {
    expect([...EXCLUSION_REASONS]).toEqual([
      'active_event',
      'not_commandable',
      'curtail_full_unsupported',
      'stale_telemetry',
      'updating',
      'reboot_required',
      'unreachable_residual_load',
      'non_actionable_status',
      'maintenance',
      'cooldown',
      'below_candidate_min_power_w',
      'power_telemetry_unreliable',
      'phantom_load_no_hash',
    ]);
  });

  it('selects a healthy miner in both modes', () => {
    expect(reasonFor(miner('m-1'), FULL)).toBe('eligible');
    expect(reasonFor(miner('m-1'), FIXED)).toBe('eligible');
  });

  it('active_event: the miner is claimed by a live event', () => {
    expect(reasonFor(miner('m-1', { claimEventId: 'ev-1' }), FULL)).toBe('active_event');
    expect(reasonFor(miner('m-1', { claimEventId: 'ev-1' }), FIXED)).toBe('active_event');
  });

  it('not_commandable', () => {
    expect(reasonFor(miner('m-1', { commandable: false }))).toBe('not_commandable');
  });

  it('curtail_full_unsupported: no curtail_full capability', () => {
    expect(reasonFor(miner('m-1', { capabilities: [] }))).toBe('curtail_full_unsupported');
    expect(reasonFor(miner('m-1', { capabilities: ['curtail_partial'] }))).toBe(
      'curtail_full_unsupported',
    );
  });

  it('stale_telemetry', () => {
    expect(reasonFor(miner('m-1', { telemetry: undefined }))).toBe('stale_telemetry');
  });

  it('updating, from the inventory or from the telemetry status', () => {
    expect(reasonFor(miner('m-1', { status: 'updating' }))).toBe('updating');
    expect(reasonFor(miner('m-1', { telemetry: sample({ status: 'updating' }) }))).toBe('updating');
  });

  it('reboot_required', () => {
    expect(reasonFor(miner('m-1', { status: 'reboot_required' }))).toBe('reboot_required');
  });

  it('unreachable_residual_load: offline', () => {
    expect(reasonFor(miner('m-1', { status: 'offline' }))).toBe('unreachable_residual_load');
  });

  it('non_actionable_status: already asleep', () => {
    expect(reasonFor(miner('m-1', { status: 'sleeping' }))).toBe('non_actionable_status');
  });

  it('maintenance', () => {
    expect(reasonFor(miner('m-1', { status: 'maintenance' }))).toBe('maintenance');
    expect(reasonFor(miner('m-1', { telemetry: sample({ status: 'maintenance' }) }))).toBe(
      'maintenance',
    );
  });

  it('cooldown: released within postEventCooldownSec', () => {
    const released = miner('m-1', { releasedAt: ago(599_999) });
    expect(reasonFor(released, request({ postEventCooldownSec: 600 }))).toBe('cooldown');
  });

  it('below_candidate_min_power_w: power below the floor and no hashrate (fixed_kw)', () => {
    const idle = miner('m-1', { telemetry: sample({ powerW: 200, hashrateThs: 0 }) });
    expect(reasonFor(idle, FIXED)).toBe('below_candidate_min_power_w');
  });

  it('power_telemetry_unreliable: power below the floor but hashing (fixed_kw)', () => {
    const odd = miner('m-1', { telemetry: sample({ powerW: 1_499, hashrateThs: 90 }) });
    expect(reasonFor(odd, FIXED)).toBe('power_telemetry_unreliable');
  });

  it('phantom_load_no_hash: power above the floor, no hashrate (fixed_kw)', () => {
    const phantom = miner('m-1', { telemetry: sample({ powerW: 3_000, hashrateThs: 0 }) });
    expect(reasonFor(phantom, FIXED)).toBe('phantom_load_no_hash');
  });

  it('applies none of the fixed_kw-only reasons in full_fleet', () => {
    const idle = miner('m-1', { telemetry: sample({ powerW: 200, hashrateThs: 0 }) });
    const odd = miner('m-2', { telemetry: sample({ powerW: 1_499, hashrateThs: 90 }) });
    const phantom = miner('m-3', { telemetry: sample({ powerW: 3_000, hashrateThs: 0 }) });
    const plan = select([idle, odd, phantom], FULL);
    expect(plan.skipped).toEqual([]);
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-2', 'm-1', 'm-3']);
    expect(plan.estimatedReductionKw).toBe(4.699);
  });

  it('treats the error and unknown statuses as eligible (no reason names them)', () => {
    expect(reasonFor(miner('m-1', { status: 'error' }))).toBe('eligible');
    expect(reasonFor(miner('m-1', { status: 'unknown' }))).toBe('eligible');
  });
});

describe('stale telemetry', () => {
  it('is fresh at exactly 15 minutes and stale 1 ms later', () => {
    expect(STALE_TELEMETRY_MS).toBe(900_000);
    expect(reasonFor(miner('m-1', { telemetry: sample({ at: ago(900_000) }) }))).toBe('eligible');
    expect(reasonFor(miner('m-1', { telemetry: sample({ at: ago(900_001) }) }))).toBe(
      'stale_telemetry',
    );
  });

  it('is stale when the timestamp does not parse', () => {
    expect(reasonFor(miner('m-1', { telemetry: sample({ at: 'yesterday' }) }))).toBe(
      'stale_telemetry',
    );
  });

  it.each([
    ['negative power', { powerW: -1 }],
    ['negative hashrate', { hashrateThs: -0.5 }],
    ['NaN power', { powerW: Number.NaN }],
    ['infinite power', { powerW: Number.POSITIVE_INFINITY }],
    ['NaN hashrate', { hashrateThs: Number.NaN }],
    ['infinite hashrate', { hashrateThs: Number.POSITIVE_INFINITY }],
  ])('is stale with %s, in both modes', (_, values: Partial<TelemetrySample>) => {
    const subject = miner('m-1', { telemetry: sample(values) });
    expect(reasonFor(subject, FULL)).toBe('stale_telemetry');
    expect(reasonFor(subject, FIXED)).toBe('stale_telemetry');
  });

  it('accepts zero power and zero hashrate as real readings', () => {
    const dark = miner('m-1', { telemetry: sample({ powerW: 0, hashrateThs: 0 }) });
    expect(reasonFor(dark, FULL)).toBe('eligible');
    expect(reasonFor(dark, FIXED)).toBe('below_candidate_min_power_w');
  });
});

describe('exclusion order (first match wins)', () => {
  const stale = sample({ at: ago(STALE_TELEMETRY_MS + 1) });

  it('active_event before everything else', () => {
    expect(reasonFor(miner('m-1', { claimEventId: 'ev-1', status: 'offline' }))).toBe(
      'active_event',
    );
    const everything = miner('m-1', {
      claimEventId: 'ev-1',
      commandable: false,
      capabilities: [],
      telemetry: undefined,
      status: 'maintenance',
    });
    expect(reasonFor(everything)).toBe('active_event');
  });

  it('not_commandable before curtail_full_unsupported and stale_telemetry', () => {
    expect(reasonFor(miner('m-1', { commandable: false, telemetry: stale }))).toBe(
      'not_commandable',
    );
    expect(reasonFor(miner('m-1', { commandable: false, capabilities: [] }))).toBe(
      'not_commandable',
    );
  });

  it('curtail_full_unsupported before stale_telemetry', () => {
    expect(reasonFor(miner('m-1', { capabilities: [], telemetry: undefined }))).toBe(
      'curtail_full_unsupported',
    );
  });

  it('stale_telemetry before every status reason', () => {
    const statuses: Miner['status'][] = [
      'updating',
      'reboot_required',
      'offline',
      'sleeping',
      'maintenance',
    ];
    for (const status of statuses) {
      const subject = miner('m-1', { status, telemetry: stale });
      expect(reasonFor(subject)).toBe('stale_telemetry');
    }
  });

  it('status reasons before cooldown', () => {
    const cooling = request({ postEventCooldownSec: 3_600 });
    const recent = ago(60_000);
    const cases: [Miner['status'], ExclusionReason][] = [
      ['updating', 'updating'],
      ['reboot_required', 'reboot_required'],
      ['offline', 'unreachable_residual_load'],
      ['sleeping', 'non_actionable_status'],
      ['maintenance', 'maintenance'],
    ];
    for (const [status, reason] of cases) {
      expect(reasonFor(miner('m-1', { status, releasedAt: recent }), cooling)).toBe(reason);
    }
    expect(reasonFor(miner('m-1', { releasedAt: recent }), cooling)).toBe('cooldown');
  });

  it('cooldown before the fixed_kw power checks', () => {
    const lowAndCooling = miner('m-1', {
      releasedAt: ago(1_000),
      telemetry: sample({ powerW: 100, hashrateThs: 0 }),
    });
    expect(reasonFor(lowAndCooling, fixedKw(1, { postEventCooldownSec: 60 }))).toBe('cooldown');
  });

  it('status reasons before the fixed_kw power checks', () => {
    const offlineIdle = miner('m-1', {
      status: 'offline',
      telemetry: sample({ powerW: 100, hashrateThs: 0 }),
    });
    expect(reasonFor(offlineIdle, FIXED)).toBe('unreachable_residual_load');
  });

  it('below_candidate_min_power_w before power_telemetry_unreliable and phantom_load_no_hash', () => {
    // Below the floor and not hashing matches both single-signal checks; the dual one wins.
    const idle = miner('m-1', { telemetry: sample({ powerW: 1_499, hashrateThs: 0 }) });
    expect(reasonFor(idle, FIXED)).toBe('below_candidate_min_power_w');
  });

  it('maintenance status from the inventory wins over a telemetry status', () => {
    const online = miner('m-1', { status: 'maintenance', telemetry: sample({ status: 'online' }) });
    expect(reasonFor(online)).toBe('maintenance');
    const updating = miner('m-1', {
      status: 'maintenance',
      telemetry: sample({ status: 'updating' }),
    });
    expect(reasonFor(updating)).toBe('maintenance');
  });

  it('otherwise a fresh telemetry status wins over the inventory status', () => {
    const asleep = miner('m-1', { status: 'online', telemetry: sample({ status: 'sleeping' }) });
    expect(reasonFor(asleep)).toBe('non_actionable_status');
    const back = miner('m-1', { status: 'offline', telemetry: sample({ status: 'online' }) });
    expect(reasonFor(back)).toBe('eligible');
  });
});

describe('maintenance overrides', () => {
  const inMaintenance = miner('m-1', { status: 'maintenance' });

  it('includes maintenance miners only with includeMaintenance and forceIncludeMaintenance', () => {
    const both = { includeMaintenance: true, forceIncludeMaintenance: true };
    expect(reasonFor(inMaintenance, request(both))).toBe('eligible');
    expect(reasonFor(inMaintenance, fixedKw(1, both))).toBe('eligible');
    expect(reasonFor(inMaintenance, request({ includeMaintenance: true }))).toBe('maintenance');
    expect(reasonFor(inMaintenance, request({ forceIncludeMaintenance: true }))).toBe(
      'maintenance',
    );
  });

  it('still applies later reasons to an included maintenance miner', () => {
    const req = request({
      includeMaintenance: true,
      forceIncludeMaintenance: true,
      postEventCooldownSec: 600,
    });
    expect(reasonFor(miner('m-1', { status: 'maintenance', releasedAt: ago(1_000) }), req)).toBe(
      'cooldown',
    );
    const idle = miner('m-1', {
      status: 'maintenance',
      telemetry: sample({ powerW: 10, hashrateThs: 0 }),
    });
    const fixed = fixedKw(1, { includeMaintenance: true, forceIncludeMaintenance: true });
    expect(reasonFor(idle, fixed)).toBe('below_candidate_min_power_w');
  });
});

describe('cooldown', () => {
  const cooling = (sec: number, extra: Partial<PlanRequest> = {}) =>
    request({ postEventCooldownSec: sec, ...extra });

  it('applies within the window and not at or after its end', () => {
    expect(reasonFor(miner('m-1', { releasedAt: ago(599_999) }), cooling(600))).toBe('cooldown');
    expect(reasonFor(miner('m-1', { releasedAt: ago(600_000) }), cooling(600))).toBe('eligible');
    expect(reasonFor(miner('m-1', { releasedAt: ago(3_600_000) }), cooling(600))).toBe('eligible');
  });

  it('never applies with postEventCooldownSec 0', () => {
    expect(reasonFor(miner('m-1', { releasedAt: ago(1) }), cooling(0))).toBe('eligible');
  });

  it('never applies to a miner never released', () => {
    expect(reasonFor(miner('m-1'), cooling(86_400))).toBe('eligible');
  });

  it('never applies for priority emergency', () => {
    const emergency = cooling(600, { priority: 'emergency' });
    expect(reasonFor(miner('m-1', { releasedAt: ago(1) }), emergency)).toBe('eligible');
    const fixed = fixedKw(1, { priority: 'emergency', postEventCooldownSec: 600 });
    expect(reasonFor(miner('m-1', { releasedAt: ago(1) }), fixed)).toBe('eligible');
  });

  it('is exported through classify for one miner', () => {
    expect(classify(miner('m-1', { releasedAt: ago(10) }), cooling(60), NOW_MS)).toBe('cooldown');
    expect(classify(miner('m-1'), cooling(60), NOW_MS)).toBeUndefined();
  });
});

describe('candidateMinPowerW floor', () => {
  it('admits a miner drawing exactly the floor and refuses 1 W less', () => {
    const at = miner('m-1', { telemetry: sample({ powerW: 3_000, hashrateThs: 100 }) });
    const under = miner('m-1', { telemetry: sample({ powerW: 2_999, hashrateThs: 100 }) });
    expect(reasonFor(at, FIXED, 3_000)).toBe('eligible');
    expect(reasonFor(under, FIXED, 3_000)).toBe('power_telemetry_unreliable');
    expect(reasonFor(under, FULL, 3_000)).toBe('eligible');
  });

  it('echoes the floor in the plan', () => {
    expect(select([miner('m-1')], fixedKw(1), 2_222).candidateMinPowerW).toBe(2_222);
    expect(select([miner('m-1')], FULL, 2_222).candidateMinPowerW).toBe(2_222);
  });
});

describe('ranking', () => {
  it('puts the worst J/TH first, unknown efficiency last, ties by minerId', () => {
    const miners = [
      drawing('m-a', 3_000, 30),
      drawing('m-b', 3_400, 34),
      drawing('m-c', 3_000, 20),
      miner('m-e', { telemetry: sample({ powerW: 3_000, hashrateThs: 0 }) }),
      miner('m-d', { telemetry: sample({ powerW: 0, hashrateThs: 0 }) }),
      drawing('m-g', 2_500, 25),
      drawing('m-f', 2_500, 25),
    ];
    const plan = select(miners, FULL);
    expect(plan.candidates.map((c) => c.minerId)).toEqual([
      'm-b',
      'm-a',
      'm-f',
      'm-g',
      'm-c',
      'm-d',
      'm-e',
    ]);
    expect(plan.candidates.map((c) => c.efficiencyJth)).toEqual([
      34,
      30,
      25,
      25,
      20,
      undefined,
      undefined,
    ]);
  });

  it('does not depend on the input order', () => {
    const miners = [
      drawing('m-1', 3_000, 20),
      drawing('m-2', 3_000, 40),
      drawing('m-3', 3_000, 30),
    ];
    const forwards = select(miners, FULL).candidates.map((c) => c.minerId);
    const backwards = select([...miners].reverse(), FULL).candidates.map((c) => c.minerId);
    expect(forwards).toEqual(['m-2', 'm-3', 'm-1']);
    expect(backwards).toEqual(forwards);
  });

  it('reports each candidate as the contract shows it', () => {
    const plan = select([miner('m-1', { siteId: 'site-9' })], FULL);
    expect(plan.candidates).toEqual([
      {
        minerId: 'm-1',
        siteId: 'site-9',
        powerW: 3_000,
        hashrateThs: 100,
        efficiencyJth: 30,
        reasonSelected: 'least_efficient_first',
      },
    ]);
  });

  it('compareCandidates orders known before unknown and breaks ties by id', () => {
    const candidate = (minerId: string, efficiencyJth: number | undefined): Candidate => ({
      minerId,
      siteId: 's',
      powerW: 1,
      hashrateThs: 1,
      efficiencyJth,
      reasonSelected: 'least_efficient_first',
    });
    const known = candidate('b', 20);
    const worse = candidate('z', 21);
    const unknown = candidate('a', undefined);
    expect(compareCandidates(worse, known)).toBeLessThan(0);
    expect(compareCandidates(known, worse)).toBeGreaterThan(0);
    expect(compareCandidates(known, unknown)).toBe(-1);
    expect(compareCandidates(unknown, known)).toBe(1);
    expect(compareCandidates(unknown, { ...unknown, minerId: 'b' })).toBe(-1);
    expect(compareCandidates(known, { ...known })).toBe(0);
  });
});

describe('fixed_kw picking', () => {
  // Ranked m-1 (40 J/TH), m-2 (30), m-3 (20): 4 + 3 + 2 = 9 kW eligible.
  const three = [drawing('m-3', 2_000, 20), drawing('m-1', 4_000, 40), drawing('m-2', 3_000, 30)];

  it('stops at the first miner that reaches the target, overshooting', () => {
    const plan = select(three, fixedKw(5));
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1', 'm-2']);
    expect(plan.estimatedReductionKw).toBe(7);
    expect(plan.estimatedRemainingPowerKw).toBe(2);
    expect(plan.mode).toBe('fixed_kw');
    expect(plan.targetKw).toBe(5);
    expect(plan.toleranceKw).toBe(0);
  });

  it('takes no further miner once the sum equals the target exactly', () => {
    expect(select(three, fixedKw(4)).candidates.map((c) => c.minerId)).toEqual(['m-1']);
    expect(select(three, fixedKw(4.001)).candidates.map((c) => c.minerId)).toEqual(['m-1', 'm-2']);
    expect(select(three, fixedKw(9)).candidates.map((c) => c.minerId)).toEqual([
      'm-1',
      'm-2',
      'm-3',
    ]);
  });

  it('picks one miner for a tiny target', () => {
    const plan = select(three, fixedKw(0.001));
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1']);
    expect(plan.estimatedReductionKw).toBe(4);
    expect(plan.estimatedRemainingPowerKw).toBe(5);
  });

  it('reaches a target whose watt value is inexact in binary floating point', () => {
    // 16.1 * 1000 is 16100.000000000002 in IEEE 754; 16,100 W must still meet 16.1 kW.
    const four = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5'].map((id) => drawing(id, 4_025, 30));
    const plan = select(four, fixedKw(16.1));
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1', 'm-2', 'm-3', 'm-4']);
    expect(plan.estimatedReductionKw).toBe(16.1);
    const exact = select(four.slice(0, 4), fixedKw(16.1));
    expect(exact.estimatedReductionKw).toBe(16.1);
  });
});

describe('tolerance', () => {
  const three = [drawing('m-3', 2_000, 20), drawing('m-1', 4_000, 40), drawing('m-2', 3_000, 30)];

  it('accepts a sum of exactly targetKw - toleranceKw', () => {
    const plan = select(three, fixedKw(10, { toleranceKw: 1 }));
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(plan.estimatedReductionKw).toBe(9);
    expect(plan.estimatedRemainingPowerKw).toBe(0);
    expect(plan.toleranceKw).toBe(1);
  });

  it('accepts the edge when the subtraction is inexact in floating point', () => {
    // 16.1 kW - 0.1 kW: the naive 16.1 * 1000 - 0.1 * 1000 is 16000.000000000002 W.
    const four = ['m-1', 'm-2', 'm-3', 'm-4'].map((id) => drawing(id, 4_000, 30));
    expect(select(four, fixedKw(16.1, { toleranceKw: 0.1 })).estimatedReductionKw).toBe(16);
  });

  it('refuses a sum just below targetKw - toleranceKw', () => {
    const error = insufficientLoadOf(() => select(three, fixedKw(10, { toleranceKw: 0.999 })));
    expect(error.reason).toBe('insufficient_load');
    expect(error.details).toMatchObject({ availableKw: 9, requestedKw: 10, toleranceKw: 0.999 });
  });

  it('is strict with tolerance 0', () => {
    expect(select(three, fixedKw(9)).estimatedReductionKw).toBe(9);
    const error = insufficientLoadOf(() => select(three, fixedKw(9.001)));
    expect(error.reason).toBe('insufficient_load');
  });
});

describe('insufficient_load', () => {
  it('is an InvalidArgumentError with available, requested, tolerance, floor and exclusions', () => {
    const miners = [
      drawing('m-1', 4_000, 40),
      drawing('m-2', 3_000, 30),
      drawing('m-3', 2_000.4, 20),
      miner('x-1', { claimEventId: 'ev-1' }),
      miner('x-2', { telemetry: undefined }),
      miner('x-3', { telemetry: sample({ at: ago(STALE_TELEMETRY_MS + 1) }) }),
      miner('x-4', { telemetry: sample({ powerW: 3_000, hashrateThs: 0 }) }),
      miner('x-5', { telemetry: sample({ powerW: 1_000, hashrateThs: 40 }) }),
    ];
    const error = insufficientLoadOf(() =>
      select(miners, fixedKw(12.5, { toleranceKw: 0.5 }), 1_800),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.code).toBe('invalid_argument');
    expect(error.reason).toBe('insufficient_load');
    expect(error.details).toEqual({
      availableKw: 9,
      requestedKw: 12.5,
      toleranceKw: 0.5,
      candidateMinPowerW: 1_800,
      excluded: {
        active_event: 1,
        stale_telemetry: 2,
        power_telemetry_unreliable: 1,
        phantom_load_no_hash: 1,
      },
    });
    // The exclusion counts follow the contract order of the reasons.
    expect(Object.keys((error.details as { excluded: object }).excluded)).toEqual([
      'active_event',
      'stale_telemetry',
      'power_telemetry_unreliable',
      'phantom_load_no_hash',
    ]);
    expect(error.message).toBe(
      'insufficient curtailable load: 9.000 kW available, 12.500 kW requested, ' +
        'tolerance 0.500 kW',
    );
  });

  it('is raised with nothing eligible at all', () => {
    const error = insufficientLoadOf(() =>
      select([miner('m-1', { commandable: false })], fixedKw(1, { toleranceKw: 0.5 })),
    );
    expect(error.details).toEqual({
      availableKw: 0,
      requestedKw: 1,
      toleranceKw: 0.5,
      candidateMinPowerW: FLOOR_W,
      excluded: { not_commandable: 1 },
    });
  });

  it('is raised for an empty fleet', () => {
    const error = insufficientLoadOf(() => select([], fixedKw(1)));
    expect(error.details).toEqual({
      availableKw: 0,
      requestedKw: 1,
      toleranceKw: 0,
      candidateMinPowerW: FLOOR_W,
      excluded: {},
    });
  });

  it('is never raised in full_fleet', () => {
    const plan = select([miner('m-1', { commandable: false })], FULL);
    expect(plan.candidates).toEqual([]);
    expect(plan.estimatedReductionKw).toBe(0);
    expect(plan.estimatedRemainingPowerKw).toBe(0);
  });
});

describe('plan figures', () => {
  it('full_fleet selects every eligible miner and leaves no remaining eligible power', () => {
    const plan = select(
      [
        drawing('m-1', 3_250.25, 30),
        drawing('m-2', 1_000.4, 25),
        miner('m-3', { status: 'offline' }),
      ],
      FULL,
    );
    expect(plan.mode).toBe('full_fleet');
    expect(plan.targetKw).toBeUndefined();
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1', 'm-2']);
    expect(plan.estimatedReductionKw).toBe(4.251);
    expect(plan.estimatedRemainingPowerKw).toBe(0);
  });

  it('rounds kW figures to 3 decimals', () => {
    const plan = select(
      [drawing('m-1', 4_000.4, 40), drawing('m-2', 1_234.5678, 30), drawing('m-3', 2_345.4321, 20)],
      fixedKw(5),
      1_000,
    );
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1', 'm-2']);
    expect(plan.estimatedReductionKw).toBe(5.235);
    expect(plan.estimatedRemainingPowerKw).toBe(2.345);
  });

  it('lists skipped miners by minerId and counts them per reason', () => {
    const plan = select(
      [
        miner('m-9', { status: 'offline' }),
        miner('m-2', { commandable: false }),
        miner('m-5', { status: 'offline' }),
        miner('m-1'),
        miner('m-3', { claimEventId: 'ev-1' }),
        miner('m-4', { telemetry: sample({ powerW: 100, hashrateThs: 0 }) }),
      ],
      fixedKw(1),
    );
    expect(plan.candidates.map((c) => c.minerId)).toEqual(['m-1']);
    expect(plan.skipped).toEqual([
      { minerId: 'm-2', reason: 'not_commandable' },
      { minerId: 'm-3', reason: 'active_event' },
      { minerId: 'm-4', reason: 'below_candidate_min_power_w' },
      { minerId: 'm-5', reason: 'unreachable_residual_load' },
      { minerId: 'm-9', reason: 'unreachable_residual_load' },
    ]);
    expect(plan.skippedAggregate).toEqual({
      not_commandable: 1,
      active_event: 1,
      below_candidate_min_power_w: 1,
      unreachable_residual_load: 2,
    });
  });

  it('has an empty aggregate when nothing is skipped', () => {
    const plan = select([miner('m-1')], FULL);
    expect(plan.skipped).toEqual([]);
    expect(plan.skippedAggregate).toEqual({});
  });
});
