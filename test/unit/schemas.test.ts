// The request schemas against the contract: defaults of the transforms, and every bound refused
// with an issue that names the offending field.

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  eventPath,
  previewBody,
  startBody,
  upsertMinersBody,
} from '../../lib/adapters/http/schemas';

type Body = Record<string, unknown>;

const FIXED: Body = { scope: { type: 'org' }, mode: 'fixed_kw', targetKw: 100 };
const FULL: Body = { scope: { type: 'org' }, mode: 'full_fleet' };
const START: Body = { ...FIXED, reason: 'grid peak' };

/** The dotted paths of the issues when the schema refuses the input; fails the test otherwise. */
function refusedAt(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`refused: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** The plan-field rules hold for preview and start alike. */
describe.each([
  ['previewBody', previewBody, {}],
  ['startBody', startBody, { reason: 'grid peak' }],
] as const)('%s plan fields', (_, schema, extra) => {
  const with_ = (body: Body) => ({ ...body, ...extra });

  it('accepts each scope type', () => {
    expect(parsed(schema, with_({ ...FIXED })).scope).toEqual({ type: 'org' });
    const sites = { type: 'sites', siteIds: ['site-1', 'site-2'] };
    expect(parsed(schema, with_({ ...FIXED, scope: sites })).scope).toEqual(sites);
    const miners = { type: 'miners', minerIds: ['m-1'] };
    expect(parsed(schema, with_({ ...FIXED, scope: miners })).scope).toEqual(miners);
  });

  it('refuses unknown fields, at the top and in the scope', () => {
    expect(refusedAt(schema, with_({ ...FIXED, orgId: 'org-2' }))).toEqual(['']);
    const scope = { type: 'org', siteIds: ['site-1'] };
    expect(refusedAt(schema, with_({ ...FIXED, scope }))).toEqual(['scope']);
  });

  it('refuses a missing scope or mode, or an unknown scope type or mode', () => {
    expect(refusedAt(schema, with_({ mode: 'full_fleet' }))).toContain('scope');
    expect(refusedAt(schema, with_({ scope: { type: 'org' } }))).toContain('mode');
    expect(refusedAt(schema, with_({ ...FULL, scope: { type: 'region' } }))).toContain(
      'scope.type',
    );
    expect(refusedAt(schema, with_({ ...FULL, mode: 'partial' }))).toContain('mode');
  });

  it('refuses fixed_kw without targetKw and full_fleet with one', () => {
    expect(refusedAt(schema, with_({ ...FIXED, targetKw: undefined }))).toEqual(['targetKw']);
    expect(refusedAt(schema, with_({ ...FULL, targetKw: 5 }))).toEqual(['targetKw']);
  });

  it('refuses a targetKw that is 0, negative or a string', () => {
    expect(refusedAt(schema, with_({ ...FIXED, targetKw: 0 }))).toContain('targetKw');
    expect(refusedAt(schema, with_({ ...FIXED, targetKw: -5 }))).toContain('targetKw');
    expect(refusedAt(schema, with_({ ...FIXED, targetKw: '100' }))).toContain('targetKw');
    expect(refusedAt(schema, with_({ ...FIXED, targetKw: Number.POSITIVE_INFINITY }))).toContain(
      'targetKw',
    );
  });

  it('accepts toleranceKw from 0 to just under targetKw and refuses it at or above', () => {
    expect(parsed(schema, with_({ ...FIXED, toleranceKw: 0 })).toleranceKw).toBe(0);
    expect(parsed(schema, with_({ ...FIXED, toleranceKw: 99.999 })).toleranceKw).toBe(99.999);
    expect(refusedAt(schema, with_({ ...FIXED, toleranceKw: 100 }))).toEqual(['toleranceKw']);
    expect(refusedAt(schema, with_({ ...FIXED, toleranceKw: 150 }))).toEqual(['toleranceKw']);
    expect(refusedAt(schema, with_({ ...FIXED, toleranceKw: -1 }))).toContain('toleranceKw');
    expect(refusedAt(schema, with_({ ...FULL, toleranceKw: 1 }))).toEqual(['toleranceKw']);
  });

  it('requires includeMaintenance and forceIncludeMaintenance to be equal', () => {
    const both = parsed(
      schema,
      with_({ ...FULL, includeMaintenance: true, forceIncludeMaintenance: true }),
    );
    expect([both.includeMaintenance, both.forceIncludeMaintenance]).toEqual([true, true]);
    expect(refusedAt(schema, with_({ ...FULL, includeMaintenance: true }))).toEqual([
      'forceIncludeMaintenance',
    ]);
    expect(refusedAt(schema, with_({ ...FULL, forceIncludeMaintenance: true }))).toEqual([
      'forceIncludeMaintenance',
    ]);
    expect(
      refusedAt(
        schema,
        with_({ ...FULL, includeMaintenance: true, forceIncludeMaintenance: false }),
      ),
    ).toEqual(['forceIncludeMaintenance']);
  });

  it('bounds siteIds to 1..256 unique ids', () => {
    const sites = (siteIds: string[]) => with_({ ...FULL, scope: { type: 'sites', siteIds } });
    expect(parsed(schema, sites(ids('s', 256))).scope).toEqual({
      type: 'sites',
      siteIds: ids('s', 256),
    });
    expect(refusedAt(schema, sites([]))).toEqual(['scope.siteIds']);
    expect(refusedAt(schema, sites(ids('s', 257)))).toEqual(['scope.siteIds']);
    expect(refusedAt(schema, sites(['s-1', 's-2', 's-1']))).toEqual(['scope.siteIds']);
    expect(refusedAt(schema, sites(['bad/site']))).toEqual(['scope.siteIds.0']);
  });

  it('bounds minerIds to 1..10,000 unique ids', () => {
    const miners = (minerIds: string[]) => with_({ ...FULL, scope: { type: 'miners', minerIds } });
    expect(parsed(schema, miners(ids('m', 10_000))).scope).toEqual({
      type: 'miners',
      minerIds: ids('m', 10_000),
    });
    expect(refusedAt(schema, miners([]))).toEqual(['scope.minerIds']);
    expect(refusedAt(schema, miners(ids('m', 10_001)))).toEqual(['scope.minerIds']);
    expect(refusedAt(schema, miners(['m-1', 'm-1']))).toEqual(['scope.minerIds']);
    expect(refusedAt(schema, miners(['x'.repeat(129)]))).toEqual(['scope.minerIds.0']);
  });

  it('bounds candidateMinPowerWOverride to whole watts 1..10,000,000', () => {
    const floor = (value: unknown) => with_({ ...FIXED, candidateMinPowerWOverride: value });
    expect(parsed(schema, floor(1)).candidateMinPowerWOverride).toBe(1);
    expect(parsed(schema, floor(10_000_000)).candidateMinPowerWOverride).toBe(10_000_000);
    expect(refusedAt(schema, floor(0))).toEqual(['candidateMinPowerWOverride']);
    expect(refusedAt(schema, floor(10_000_001))).toEqual(['candidateMinPowerWOverride']);
    expect(refusedAt(schema, floor(1_500.5))).toEqual(['candidateMinPowerWOverride']);
  });

  it('bounds postEventCooldownSec to 0..86,400', () => {
    const cooldown = (value: unknown) => with_({ ...FULL, postEventCooldownSec: value });
    expect(parsed(schema, cooldown(86_400)).postEventCooldownSec).toBe(86_400);
    expect(refusedAt(schema, cooldown(86_401))).toEqual(['postEventCooldownSec']);
    expect(refusedAt(schema, cooldown(-1))).toEqual(['postEventCooldownSec']);
  });

  it('forces postEventCooldownSec to 0 for priority emergency', () => {
    const body = with_({ ...FULL, priority: 'emergency', postEventCooldownSec: 3_600 });
    const plan = parsed(schema, body);
    expect(plan.priority).toBe('emergency');
    expect(plan.postEventCooldownSec).toBe(0);
    expect(
      parsed(schema, with_({ ...FULL, postEventCooldownSec: 3_600 })).postEventCooldownSec,
    ).toBe(3_600);
  });

  it('accepts only the one strategy and level', () => {
    const plan = parsed(
      schema,
      with_({ ...FULL, strategy: 'least_efficient_first', level: 'full' }),
    );
    expect([plan.strategy, plan.level]).toEqual(['least_efficient_first', 'full']);
    expect(refusedAt(schema, with_({ ...FULL, strategy: 'random' }))).toEqual(['strategy']);
    expect(refusedAt(schema, with_({ ...FULL, level: 'partial' }))).toEqual(['level']);
    expect(refusedAt(schema, with_({ ...FULL, priority: 'urgent' }))).toEqual(['priority']);
  });
});

describe('previewBody', () => {
  it('fills the defaults of a minimal fixed_kw request', () => {
    expect(parsed(previewBody, FIXED)).toStrictEqual({
      scope: { type: 'org' },
      mode: 'fixed_kw',
      targetKw: 100,
      toleranceKw: 0,
      strategy: 'least_efficient_first',
      level: 'full',
      priority: 'normal',
      includeMaintenance: false,
      forceIncludeMaintenance: false,
      postEventCooldownSec: 0,
    });
  });

  it('leaves targetKw out of a full_fleet request', () => {
    expect(parsed(previewBody, FULL)).toStrictEqual({
      scope: { type: 'org' },
      mode: 'full_fleet',
      toleranceKw: 0,
      strategy: 'least_efficient_first',
      level: 'full',
      priority: 'normal',
      includeMaintenance: false,
      forceIncludeMaintenance: false,
      postEventCooldownSec: 0,
    });
  });

  it('refuses the start-only fields', () => {
    expect(refusedAt(previewBody, { ...FIXED, reason: 'x' })).toEqual(['']);
  });
});

describe('startBody', () => {
  it('fills the defaults of a minimal request', () => {
    expect(parsed(startBody, START)).toStrictEqual({
      scope: { type: 'org' },
      mode: 'fixed_kw',
      targetKw: 100,
      toleranceKw: 0,
      strategy: 'least_efficient_first',
      level: 'full',
      priority: 'normal',
      includeMaintenance: false,
      forceIncludeMaintenance: false,
      postEventCooldownSec: 0,
      reason: 'grid peak',
      maxDurationSeconds: 0,
      allowUnbounded: false,
      restoreBatchSize: 0,
      restoreBatchIntervalSec: 0,
      curtailBatchIntervalSec: 0,
      minCurtailedDurationSec: 0,
    });
  });

  it('carries every optional field through', () => {
    const full = parsed(startBody, {
      ...START,
      toleranceKw: 5,
      priority: 'normal',
      candidateMinPowerWOverride: 2_000,
      postEventCooldownSec: 600,
      maxDurationSeconds: 604_800,
      restoreBatchSize: 10_000,
      restoreBatchIntervalSec: 3_600,
      curtailBatchSize: 10_000,
      curtailBatchIntervalSec: 3_600,
      minCurtailedDurationSec: 604_800,
      scheduledStartAt: '2025-06-01T14:00:00+02:00',
      idempotencyKey: 'k'.repeat(256),
      externalSource: 'utility',
      externalReference: 'ref-1',
    });
    expect(full).toStrictEqual({
      scope: { type: 'org' },
      mode: 'fixed_kw',
      targetKw: 100,
      toleranceKw: 5,
      strategy: 'least_efficient_first',
      level: 'full',
      priority: 'normal',
      includeMaintenance: false,
      forceIncludeMaintenance: false,
      candidateMinPowerWOverride: 2_000,
      postEventCooldownSec: 600,
      reason: 'grid peak',
      maxDurationSeconds: 604_800,
      allowUnbounded: false,
      restoreBatchSize: 10_000,
      restoreBatchIntervalSec: 3_600,
      curtailBatchSize: 10_000,
      curtailBatchIntervalSec: 3_600,
      minCurtailedDurationSec: 604_800,
      scheduledStartAt: '2025-06-01T12:00:00.000Z',
      idempotencyKey: 'k'.repeat(256),
      externalSource: 'utility',
      externalReference: 'ref-1',
    });
  });

  it('drops empty attribution strings', () => {
    const start = parsed(startBody, {
      ...START,
      idempotencyKey: '',
      externalSource: '',
      externalReference: '',
    });
    expect('idempotencyKey' in start).toBe(false);
    expect('externalSource' in start).toBe(false);
    expect('externalReference' in start).toBe(false);
  });

  it('requires a reason of 1..256 characters that is not blank', () => {
    expect(refusedAt(startBody, FIXED)).toEqual(['reason']);
    expect(refusedAt(startBody, { ...FIXED, reason: '' })).toEqual(['reason']);
    // Blank, and also control characters: both are reported, on the same field.
    expect(new Set(refusedAt(startBody, { ...FIXED, reason: ' \t\n ' }))).toEqual(
      new Set(['reason']),
    );
    expect(refusedAt(startBody, { ...FIXED, reason: 'nul \u0000 here' })).toEqual(['reason']);
    expect(refusedAt(startBody, { ...FIXED, reason: 'lone \ud800 surrogate' })).toEqual(['reason']);
    expect(refusedAt(startBody, { ...FIXED, reason: 'x'.repeat(257) })).toEqual(['reason']);
    expect(parsed(startBody, { ...FIXED, reason: 'x'.repeat(256) }).reason).toBe('x'.repeat(256));
    expect(refusedAt(startBody, { ...FIXED, reason: 42 })).toEqual(['reason']);
  });

  it('counts the reason in characters, not UTF-16 units', () => {
    const emoji = '\u{1F50C}';
    expect(emoji.length).toBe(2);
    expect(parsed(startBody, { ...FIXED, reason: emoji.repeat(256) }).reason).toBe(
      emoji.repeat(256),
    );
    expect(refusedAt(startBody, { ...FIXED, reason: emoji.repeat(257) })).toEqual(['reason']);
  });

  it('bounds maxDurationSeconds to 0..604,800 and to 0 when unbounded', () => {
    expect(refusedAt(startBody, { ...START, maxDurationSeconds: 604_801 })).toEqual([
      'maxDurationSeconds',
    ]);
    expect(refusedAt(startBody, { ...START, maxDurationSeconds: 1.5 })).toEqual([
      'maxDurationSeconds',
    ]);
    expect(
      refusedAt(startBody, { ...START, allowUnbounded: true, maxDurationSeconds: 60 }),
    ).toEqual(['maxDurationSeconds']);
    const unbounded = parsed(startBody, { ...START, allowUnbounded: true, maxDurationSeconds: 0 });
    expect([unbounded.allowUnbounded, unbounded.maxDurationSeconds]).toEqual([true, 0]);
    expect(parsed(startBody, { ...START, allowUnbounded: true }).maxDurationSeconds).toBe(0);
    expect(
      parsed(startBody, { ...START, allowUnbounded: false, maxDurationSeconds: 60 })
        .maxDurationSeconds,
    ).toBe(60);
  });

  it('bounds the restore batch', () => {
    expect(parsed(startBody, { ...START, restoreBatchSize: 0 }).restoreBatchSize).toBe(0);
    expect(refusedAt(startBody, { ...START, restoreBatchSize: 10_001 })).toEqual([
      'restoreBatchSize',
    ]);
    expect(refusedAt(startBody, { ...START, restoreBatchSize: -1 })).toEqual(['restoreBatchSize']);
    expect(refusedAt(startBody, { ...START, restoreBatchIntervalSec: 3_601 })).toEqual([
      'restoreBatchIntervalSec',
    ]);
  });

  it('bounds the curtail batch, whose interval needs a size', () => {
    expect(parsed(startBody, { ...START, curtailBatchSize: 1 }).curtailBatchSize).toBe(1);
    expect(refusedAt(startBody, { ...START, curtailBatchSize: 0 })).toEqual(['curtailBatchSize']);
    expect(refusedAt(startBody, { ...START, curtailBatchSize: 10_001 })).toEqual([
      'curtailBatchSize',
    ]);
    expect(refusedAt(startBody, { ...START, curtailBatchIntervalSec: 30 })).toEqual([
      'curtailBatchIntervalSec',
    ]);
    expect(
      refusedAt(startBody, { ...START, curtailBatchSize: 10, curtailBatchIntervalSec: 3_601 }),
    ).toEqual(['curtailBatchIntervalSec']);
    const paced = parsed(startBody, {
      ...START,
      curtailBatchSize: 10,
      curtailBatchIntervalSec: 30,
    });
    expect([paced.curtailBatchSize, paced.curtailBatchIntervalSec]).toEqual([10, 30]);
  });

  it('bounds minCurtailedDurationSec and the attribution fields', () => {
    expect(refusedAt(startBody, { ...START, minCurtailedDurationSec: 604_801 })).toEqual([
      'minCurtailedDurationSec',
    ]);
    expect(refusedAt(startBody, { ...START, idempotencyKey: 'k'.repeat(257) })).toEqual([
      'idempotencyKey',
    ]);
    expect(refusedAt(startBody, { ...START, externalSource: 's'.repeat(257) })).toEqual([
      'externalSource',
    ]);
    expect(refusedAt(startBody, { ...START, externalReference: 'r'.repeat(257) })).toEqual([
      'externalReference',
    ]);
  });

  it('requires scheduledStartAt to be an RFC 3339 timestamp', () => {
    expect(refusedAt(startBody, { ...START, scheduledStartAt: '2025-06-01 14:00' })).toEqual([
      'scheduledStartAt',
    ]);
    expect(
      parsed(startBody, { ...START, scheduledStartAt: '2025-06-01T12:00:00Z' }).scheduledStartAt,
    ).toBe('2025-06-01T12:00:00.000Z');
  });

  it('forces postEventCooldownSec to 0 for priority emergency', () => {
    const start = parsed(startBody, { ...START, priority: 'emergency', postEventCooldownSec: 900 });
    expect(start.postEventCooldownSec).toBe(0);
  });
});

describe('upsertMinersBody', () => {
  const miner = (minerId: string, overrides: Body = {}) => ({
    minerId,
    siteId: 'site-1',
    model: 'S19',
    nominalPowerW: 3_250,
    nominalHashrateThs: 100,
    status: 'online',
    commandable: true,
    capabilities: ['curtail_full'],
    ...overrides,
  });

  it('accepts 1..1,000 miners', () => {
    expect(parsed(upsertMinersBody, { miners: [miner('m-1')] }).miners).toEqual([miner('m-1')]);
    const thousand = ids('m', 1_000).map((id) => miner(id));
    expect(parsed(upsertMinersBody, { miners: thousand }).miners).toHaveLength(1_000);
  });

  it('refuses 0 or 1,001 miners', () => {
    expect(refusedAt(upsertMinersBody, { miners: [] })).toEqual(['miners']);
    const many = ids('m', 1_001).map((id) => miner(id));
    expect(refusedAt(upsertMinersBody, { miners: many })).toEqual(['miners']);
  });

  it('refuses a minerId that appears twice', () => {
    const twice = [miner('m-1'), miner('m-2'), miner('m-1', { siteId: 'site-2' })];
    expect(refusedAt(upsertMinersBody, { miners: twice })).toEqual(['miners']);
  });

  it('refuses an unknown status', () => {
    expect(refusedAt(upsertMinersBody, { miners: [miner('m-1', { status: 'hashing' })] })).toEqual([
      'miners.0.status',
    ]);
  });

  it('refuses ids with characters outside letters, digits and . _ : -', () => {
    for (const bad of ['m 1', 'm/1', 'm#1', '', 'x'.repeat(129), 'mïner']) {
      expect(refusedAt(upsertMinersBody, { miners: [miner(bad)] })).toEqual(['miners.0.minerId']);
    }
    expect(refusedAt(upsertMinersBody, { miners: [miner('m-1', { siteId: 'a b' })] })).toEqual([
      'miners.0.siteId',
    ]);
    expect(parsed(upsertMinersBody, { miners: [miner('A.b_c:d-9')] }).miners).toHaveLength(1);
  });

  it('refuses telemetry and other unknown fields on a miner', () => {
    const withTelemetry = miner('m-1', { telemetry: { at: '2025-06-01T12:00:00Z' } });
    expect(refusedAt(upsertMinersBody, { miners: [withTelemetry] })).toEqual(['miners.0']);
  });
});

describe('eventPath', () => {
  it('accepts a UUID', () => {
    const eventId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(parsed(eventPath, { eventId })).toEqual({ eventId });
  });

  it('refuses anything else', () => {
    for (const eventId of [
      'ev-1',
      '',
      '3f1b2c4d5e6f4a7b8c9d0e1f2a3b4c5d',
      '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5',
    ]) {
      expect(refusedAt(eventPath, { eventId })).toEqual(['eventId']);
    }
  });
});
