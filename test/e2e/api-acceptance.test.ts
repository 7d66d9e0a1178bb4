// Acceptance of preview, start, get, active, stop, fleet and settings defaults over real HTTP on
// the embedded stack, as the API contract (shared/design/api.md) describes them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleMiner } from '../../infra/local/fleet/sample-fleet';
import type { Stack } from '../../infra/local/stack';
import { healthyFleet, startTestStack, waitFor, waitForTelemetry } from '../support/stack';

type Json = Record<string, unknown>;
type Role = 'viewer' | 'operator' | 'admin';

interface Res {
  status: number;
  body: Json;
  headers: Headers;
}

let stack: Stack;

function miner(
  minerId: string,
  siteId: string,
  options: {
    status?: SampleMiner['inventory']['status'];
    commandable?: boolean;
    capabilities?: string[];
    behaviour?: SampleMiner['profile']['behaviour'];
    powerW?: number;
    hashrateThs?: number;
  } = {},
): SampleMiner {
  const powerW = options.powerW ?? 3_200;
  const hashrateThs = options.hashrateThs ?? 100;
  return {
    inventory: {
      minerId,
      siteId,
      model: 'Antminer S19',
      nominalPowerW: powerW,
      nominalHashrateThs: hashrateThs,
      status: options.status ?? 'online',
      commandable: options.commandable ?? true,
      capabilities: options.capabilities ?? ['curtail_full'],
    },
    profile: { behaviour: options.behaviour ?? 'normal', powerW, hashrateThs },
  };
}

// The simulator's meters carry ±2 % noise, so efficiencies one rank apart differ by at least
// 12 % (more than the worst combined noise of ~8 %) and the ranking stays deterministic.
const HEALTHY = healthyFleet({
  count: 20,
  hashrateThs: (i) => Math.round(40 * 1.12 ** i * 100) / 100,
});
// site-x: one miner per exclusion reason the simulator can produce, four eligible ones at
// 40, 32, 25.6 and 20 J/TH, and three that only fixed_kw refuses.
const SITE_X: SampleMiner[] = [
  miner('x-01-maint', 'site-x', { status: 'maintenance' }),
  miner('x-02-nocmd', 'site-x', { commandable: false }),
  miner('x-03-nocap', 'site-x', { capabilities: [] }),
  miner('x-04-silent', 'site-x', { behaviour: 'silent' }),
  miner('x-05-updating', 'site-x', { status: 'updating' }),
  miner('x-06-reboot', 'site-x', { status: 'reboot_required' }),
  miner('x-07-sleep', 'site-x', { status: 'sleeping', behaviour: 'asleep' }),
  miner('x-08-low-nohash', 'site-x', { behaviour: 'phantom', powerW: 1_000 }),
  miner('x-09-low-hash', 'site-x', { powerW: 1_000, hashrateThs: 80 }),
  miner('x-10-phantom', 'site-x', { behaviour: 'phantom' }),
  miner('x-11-ok', 'site-x', { hashrateThs: 80 }),
  miner('x-12-ok', 'site-x', { hashrateThs: 100 }),
  miner('x-13-ok', 'site-x', { hashrateThs: 125 }),
  miner('x-14-ok', 'site-x', { hashrateThs: 160 }),
];
const FLEET = [...HEALTHY, ...SITE_X];
const REPORTING = FLEET.filter((m) => m.profile.behaviour !== 'silent').length;

const FIXED_KW_SKIPPED = [
  ['x-01-maint', 'maintenance'],
  ['x-02-nocmd', 'not_commandable'],
  ['x-03-nocap', 'curtail_full_unsupported'],
  ['x-04-silent', 'stale_telemetry'],
  ['x-05-updating', 'updating'],
  ['x-06-reboot', 'reboot_required'],
  ['x-07-sleep', 'non_actionable_status'],
  ['x-08-low-nohash', 'below_candidate_min_power_w'],
  ['x-09-low-hash', 'power_telemetry_unreliable'],
  ['x-10-phantom', 'phantom_load_no_hash'],
].map(([minerId, reason]) => ({ minerId, reason }));

const DEFAULT_SETTINGS = {
  maxDurationDefaultSec: 14_400,
  candidateMinPowerW: 1_500,
  nonAdminIntervalCapSec: 300,
  curtailConfirmTimeoutSec: 30,
  restoreConfirmTimeoutSec: 60,
  restoreMaxRetries: 10,
  curtailMaxRetries: 10,
};

beforeAll(async () => {
  stack = await startTestStack({ fleet: FLEET });
  await waitForTelemetry(stack, REPORTING);
}, 90_000);
afterAll(async () => stack?.stop());

async function call(
  method: string,
  path: string,
  options: {
    role?: Role;
    org?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Res> {
  const token = await stack.token(options.role ?? 'admin', options.org);
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Json) : {},
    headers: response.headers,
  };
}

async function ok(res: Promise<Res>, status = 200): Promise<Json> {
  const got = await res;
  expect(got.status, JSON.stringify(got.body).slice(0, 1_000)).toBe(status);
  return got.body;
}

/** Within the simulator's meter noise (±2 % on power and on hashrate, so ±4 % on J/TH). */
function expectNear(value: unknown, nominal: number, relative = 0.021) {
  expect(typeof value).toBe('number');
  expect(Math.abs(Number(value) - nominal)).toBeLessThanOrEqual(nominal * relative);
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const pad = (i: number) => `m-${String(i).padStart(4, '0')}`;
const TERMINAL = ['completed', 'completed_with_failures', 'cancelled', 'failed'];

async function startEvent(body: Json, role: Role = 'operator'): Promise<Json> {
  const got = await ok(call('POST', '/v1/events', { role, body }), 201);
  return got.event as Json;
}

async function getEvent(eventId: string, query = ''): Promise<Res> {
  return call('GET', `/v1/events/${eventId}${query}`, { role: 'viewer' });
}

async function waitState(eventId: string, states: string[]): Promise<Json> {
  return waitFor(
    async () => {
      const event = (await ok(getEvent(eventId))).event as Json;
      return states.includes(String(event.state)) ? event : undefined;
    },
    { what: `event ${eventId} to reach ${states.join('|')}`, timeoutMs: 30_000 },
  );
}

async function release(eventId: string) {
  const got = await call('POST', `/v1/events/${eventId}/force-release`, {
    body: { reason: 'test cleanup' },
  });
  if (got.status !== 200) expect(got.body.reason).toBe('event_terminal');
}

async function snapshot() {
  const [history, audit, active] = await Promise.all([
    ok(call('GET', '/v1/events?pageSize=200', { role: 'viewer' })),
    ok(call('GET', '/v1/audit?pageSize=200', { role: 'viewer' })),
    ok(call('GET', '/v1/events/active', { role: 'viewer' })),
  ]);
  return {
    events: (history.events as Json[]).map((e) => `${e.eventId}:${e.state}`),
    audit: (audit.rows as Json[]).map((r) => r.auditId),
    active: (active.events as Json[]).map((e) => e.eventId),
  };
}

// ---------------------------------------------------------------------------------------------

describe('preview', () => {
  it('ranks worst efficiency first, explains every skip, and persists nothing', async () => {
    const before = await snapshot();
    const plan = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope: { type: 'org' }, mode: 'fixed_kw', targetKw: 10 },
      }),
    );
    const candidates = plan.candidates as Json[];
    // 3.2 kW each: three are short of 10 kW, the fourth reaches it (overshoot allowed).
    expect(candidates.map((c) => c.minerId)).toEqual([pad(0), pad(1), pad(2), pad(3)]);
    for (const [i, candidate] of candidates.entries()) {
      expect(candidate).toMatchObject({
        minerId: pad(i),
        siteId: i % 2 === 0 ? 'site-a' : 'site-b',
        reasonSelected: 'least_efficient_first',
      });
      expectNear(candidate.powerW, 3_200);
      expectNear(candidate.efficiencyJth, 3_200 / (40 * 1.12 ** i), 0.042);
    }
    const efficiencies = candidates.map((c) => Number(c.efficiencyJth));
    expect([...efficiencies].sort((a, b) => b - a)).toEqual(efficiencies);
    const selectedKw = candidates.reduce((sum, c) => sum + Number(c.powerW), 0) / 1000;
    expect(plan.estimatedReductionKw).toBeCloseTo(selectedKw, 2);
    // 24 eligible miners of ~3.2 kW, four of them selected.
    expectNear(plan.estimatedRemainingPowerKw, 20 * 3.2);
    expect(plan).toMatchObject({ mode: 'fixed_kw', targetKw: 10 });
    expect(plan.skipped).toEqual(FIXED_KW_SKIPPED);

    // full_fleet: the fixed_kw-only checks do not apply, unknown efficiency ranks last
    // (ties by minerId).
    const site = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope: { type: 'sites', siteIds: ['site-x'] }, mode: 'full_fleet' },
      }),
    );
    expect((site.candidates as Json[]).map((c) => c.minerId)).toEqual([
      'x-11-ok',
      'x-12-ok',
      'x-13-ok',
      'x-14-ok',
      'x-09-low-hash',
      'x-08-low-nohash',
      'x-10-phantom',
    ]);
    expect((site.candidates as Json[]).slice(-2).map((c) => c.efficiencyJth)).toEqual([null, null]);
    expect(site.skipped).toEqual(FIXED_KW_SKIPPED.slice(0, 7));
    expect(site.mode).toBe('full_fleet');
    expect(site.targetKw ?? null).toBeNull();
    expectNear(site.estimatedReductionKw, 4 * 3.2 + 2 * 1.0 + 3.2);
    expect(site.estimatedRemainingPowerKw).toBe(0);

    // Scope by site and by miner ids.
    const siteA = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope: { type: 'sites', siteIds: ['site-a'] }, mode: 'full_fleet' },
      }),
    );
    expect((siteA.candidates as Json[]).map((c) => c.minerId)).toEqual(
      Array.from({ length: 10 }, (_, i) => pad(2 * i)),
    );
    const picked = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: {
          scope: { type: 'miners', minerIds: [pad(7), pad(3), 'x-01-maint'] },
          mode: 'full_fleet',
        },
      }),
    );
    expect((picked.candidates as Json[]).map((c) => c.minerId)).toEqual([pad(3), pad(7)]);
    expect(picked.skipped).toEqual([{ minerId: 'x-01-maint', reason: 'maintenance' }]);

    expect(await snapshot()).toEqual(before);
    const fleet = await ok(call('GET', '/v1/fleet/miners', { role: 'viewer' }));
    expect((fleet.miners as Json[]).filter((m) => m.activeEventId)).toEqual([]);
  });

  it('accepts a short plan within tolerance and honours admin overrides', async () => {
    // site-x has ~12.8 kW eligible: 14 kW with 2 kW of tolerance is enough.
    const short = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: {
          scope: { type: 'sites', siteIds: ['site-x'] },
          mode: 'fixed_kw',
          targetKw: 14,
          toleranceKw: 2,
        },
      }),
    );
    expect((short.candidates as Json[]).map((c) => c.minerId)).toEqual([
      'x-11-ok',
      'x-12-ok',
      'x-13-ok',
      'x-14-ok',
    ]);
    expect(Number(short.estimatedReductionKw)).toBeLessThan(14);
    expect(short.toleranceKw).toBe(2);

    // A lower floor makes the hashing 1 kW miner a candidate; the floor used is echoed.
    const floor = await ok(
      call('POST', '/v1/preview', {
        role: 'admin',
        body: {
          scope: { type: 'sites', siteIds: ['site-x'] },
          mode: 'fixed_kw',
          targetKw: 13.2,
          candidateMinPowerWOverride: 900,
        },
      }),
    );
    expect(floor.candidateMinPowerW).toBe(900);
    expect((floor.candidates as Json[]).map((c) => c.minerId)).toContain('x-09-low-hash');
    expect(floor.skipped).toContainEqual({
      minerId: 'x-08-low-nohash',
      reason: 'phantom_load_no_hash',
    });

    // Maintenance is included only when both flags are set (admin).
    const maint = await ok(
      call('POST', '/v1/preview', {
        role: 'admin',
        body: {
          scope: { type: 'miners', minerIds: ['x-01-maint'] },
          mode: 'full_fleet',
          includeMaintenance: true,
          forceIncludeMaintenance: true,
        },
      }),
    );
    expect((maint.candidates as Json[]).map((c) => c.minerId)).toEqual(['x-01-maint']);
    expect(maint.skipped).toEqual([]);
  });

  it('keeps a just-released miner out for postEventCooldownSec unless the plan is an emergency', async () => {
    const event = await startEvent({
      scope: { type: 'miners', minerIds: [pad(15)] },
      mode: 'full_fleet',
      reason: 'cooldown source',
      scheduledStartAt: inAnHour(),
    });
    await release(String(event.eventId));
    const scope = { type: 'miners', minerIds: [pad(15), pad(17)] };
    const cooling = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope, mode: 'full_fleet', postEventCooldownSec: 600 },
      }),
    );
    expect((cooling.candidates as Json[]).map((c) => c.minerId)).toEqual([pad(17)]);
    expect(cooling.skipped).toEqual([{ minerId: pad(15), reason: 'cooldown' }]);
    const emergency = await ok(
      call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope, mode: 'full_fleet', postEventCooldownSec: 600, priority: 'emergency' },
      }),
    );
    expect((emergency.candidates as Json[]).map((c) => c.minerId)).toEqual([pad(15), pad(17)]);
    const none = await ok(
      call('POST', '/v1/preview', { role: 'operator', body: { scope, mode: 'full_fleet' } }),
    );
    expect(none.skipped).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('start, get and active', () => {
  it('stamps the defaults on a new event and answers it with its targets', async () => {
    const scheduledStartAt = inAnHour();
    const res = await call('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'miners', minerIds: [pad(6), pad(4), pad(5)] },
        mode: 'full_fleet',
        reason: 'defaults',
        scheduledStartAt,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const event = res.body.event as Json;
    const eventId = String(event.eventId);
    try {
      expect(eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(event).toMatchObject({
        state: 'pending',
        mode: 'full_fleet',
        strategy: 'least_efficient_first',
        level: 'full',
        priority: 'normal',
        scope: { type: 'miners', minerIds: [pad(6), pad(4), pad(5)] },
        reason: 'defaults',
        maxDurationSeconds: 14_400,
        allowUnbounded: false,
        restoreBatchSize: 0,
        restoreBatchIntervalSec: 0,
        effectiveBatchSize: 3,
        curtailBatchSize: 10,
        curtailBatchIntervalSec: 0,
        minCurtailedDurationSec: 0,
        includeMaintenance: false,
        forceIncludeMaintenance: false,
        scheduledStartAt,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        actor: { type: 'user', id: expect.any(String) },
        rollup: {
          pending: 3,
          dispatched: 0,
          confirmed: 0,
          drifted: 0,
          curtailFailed: 0,
          resolved: 0,
          released: 0,
          restoreFailed: 0,
          total: 3,
        },
      });
      expect(event.targetKw).toBeUndefined();
      for (const internal of ['orgId', 'rev', 'progress', 'lease', 'wakeToken', 'decision']) {
        expect(event, internal).not.toHaveProperty(internal);
      }
      const targets = event.targets as Json[];
      expect(targets.map((t) => t.minerId)).toEqual([pad(4), pad(5), pad(6)]);
      for (const target of targets) {
        expect(target).toMatchObject({
          siteId: expect.stringMatching(/^site-[ab]$/),
          state: 'pending',
          desiredState: 'curtailed',
          retryCount: 0,
        });
        expectNear(target.baselinePowerW, 3_200);
      }
      expect(event.decisionSnapshot).toMatchObject({
        candidateMinPowerW: 1_500,
        selectedCount: 3,
        skippedCount: 0,
      });
      expect(res.body.nextTargetPageToken ?? null).toBeNull();
      expect(await auditTypes(eventId)).toEqual(['curtailment_started']);
    } finally {
      await release(eventId);
    }
  });

  it('stamps what the request set, pages targets by token and lists live events newest first', async () => {
    const first = await startEvent({
      scope: { type: 'sites', siteIds: ['site-a'] },
      mode: 'full_fleet',
      reason: 'paging',
      restoreBatchSize: 4,
      scheduledStartAt: inAnHour(),
    });
    const firstId = String(first.eventId);
    const second = await startEvent({
      scope: { type: 'sites', siteIds: ['site-b'] },
      mode: 'fixed_kw',
      targetKw: 5,
      toleranceKw: 0.5,
      reason: 'attribution',
      priority: 'emergency',
      postEventCooldownSec: 600,
      curtailBatchSize: 1,
      curtailBatchIntervalSec: 5,
      minCurtailedDurationSec: 60,
      maxDurationSeconds: 3_600,
      restoreBatchIntervalSec: 30,
      externalSource: 'utility-bridge',
      externalReference: 'dr-2024-0042',
      scheduledStartAt: inAnHour(),
    });
    const secondId = String(second.eventId);
    try {
      expect(first).toMatchObject({ effectiveBatchSize: 4, curtailBatchSize: 10 });
      expect(first.targets as Json[]).toHaveLength(10);
      expect(second).toMatchObject({
        mode: 'fixed_kw',
        targetKw: 5,
        toleranceKw: 0.5,
        priority: 'emergency',
        curtailBatchSize: 1,
        curtailBatchIntervalSec: 5,
        minCurtailedDurationSec: 60,
        maxDurationSeconds: 3_600,
        restoreBatchIntervalSec: 30,
        effectiveBatchSize: 2,
        postEventCooldownSec: 0,
        externalSource: 'utility-bridge',
        externalReference: 'dr-2024-0042',
      });
      // site-b ranks m-0001 and m-0003 first: 6.4 kW covers 5 kW.
      expect((second.targets as Json[]).map((t) => t.minerId)).toEqual([pad(1), pad(3)]);

      // Targets page by minerId; the token is bound to its event.
      const page1 = await ok(getEvent(firstId, '?targetPageSize=4'));
      const ids1 = ((page1.event as Json).targets as Json[]).map((t) => t.minerId);
      expect(ids1).toEqual([pad(0), pad(2), pad(4), pad(6)]);
      const token = String(page1.nextTargetPageToken);
      expect(page1.nextTargetPageToken).toEqual(expect.any(String));
      const page2 = await ok(getEvent(firstId, `?targetPageSize=4&targetPageToken=${token}`));
      const ids2 = ((page2.event as Json).targets as Json[]).map((t) => t.minerId);
      expect(ids2).toEqual([pad(8), pad(10), pad(12), pad(14)]);
      const page3 = await ok(
        getEvent(firstId, `?targetPageSize=4&targetPageToken=${page2.nextTargetPageToken}`),
      );
      expect(((page3.event as Json).targets as Json[]).map((t) => t.minerId)).toEqual([
        pad(16),
        pad(18),
      ]);
      expect(page3.nextTargetPageToken ?? null).toBeNull();
      // The rollup covers every target, whatever the page.
      expect(((page1.event as Json).rollup as Json).total).toBe(10);
      const all = await ok(getEvent(firstId, '?targetPageSize=0'));
      expect(((all.event as Json).targets as Json[]).length).toBe(10);
      expect(all.nextTargetPageToken ?? null).toBeNull();

      const reused = await getEvent(secondId, `?targetPageToken=${token}`);
      expect(reused.status).toBe(400);
      expect(reused.body).toMatchObject({ code: 'invalid_argument', reason: 'invalid_page_token' });
      const tampered = await getEvent(firstId, `?targetPageToken=${token.slice(0, -3)}xyz`);
      expect(tampered.status).toBe(400);
      expect(tampered.body.reason).toBe('invalid_page_token');

      // GET answers the event untrimmed.
      const got = (await ok(getEvent(secondId))).event as Json;
      expect(got).toMatchObject({
        externalSource: 'utility-bridge',
        externalReference: 'dr-2024-0042',
      });

      // Active: newest first, live rollup, no targets or snapshot.
      const active = (await ok(call('GET', '/v1/events/active', { role: 'viewer' })))
        .events as Json[];
      expect(active.map((e) => e.eventId)).toEqual([secondId, firstId]);
      for (const row of active) {
        expect(row.targets).toBeUndefined();
        expect(row.decisionSnapshot).toBeUndefined();
        expect(row.rollup).toMatchObject({ pending: expect.any(Number) });
      }
      expect(active.map((e) => (e.rollup as Json).total)).toEqual([2, 10]);

      // History rows are trimmed.
      const history = (await ok(call('GET', '/v1/events?pageSize=2', { role: 'viewer' })))
        .events as Json[];
      expect(history.map((e) => e.eventId)).toEqual([secondId, firstId]);
      const row = history[0] ?? {};
      expect(row.targets).toBeUndefined();
      expect(row.rollup).toBeUndefined();
      expect(row.externalSource).toBeUndefined();
      expect(row.externalReference).toBeUndefined();
      expect((row.decisionSnapshot as Json).skippedAggregate).toEqual({});
    } finally {
      await release(secondId);
      await release(firstId);
    }
  });

  it('keeps the per-miner decision on the event and only counts it in history', async () => {
    const event = await startEvent({
      scope: { type: 'sites', siteIds: ['site-x'] },
      mode: 'full_fleet',
      reason: 'decision snapshot',
      scheduledStartAt: inAnHour(),
    });
    const eventId = String(event.eventId);
    try {
      expect((event.targets as Json[]).map((t) => t.minerId)).toEqual([
        'x-08-low-nohash',
        'x-09-low-hash',
        'x-10-phantom',
        'x-11-ok',
        'x-12-ok',
        'x-13-ok',
        'x-14-ok',
      ]);
      const aggregate = Object.fromEntries(FIXED_KW_SKIPPED.slice(0, 7).map((s) => [s.reason, 1]));
      const got = (await ok(getEvent(eventId))).event as Json;
      expect(got.decisionSnapshot).toMatchObject({
        selectedCount: 7,
        skippedCount: 7,
        skippedAggregate: aggregate,
        skipped: FIXED_KW_SKIPPED.slice(0, 7),
      });
      const history = (await ok(call('GET', '/v1/events?pageSize=1', { role: 'viewer' })))
        .events as Json[];
      expect(history[0]?.eventId).toBe(eventId);
      const snapshot = history[0]?.decisionSnapshot as Json;
      expect(snapshot.skippedAggregate).toEqual(aggregate);
      expect(snapshot).not.toHaveProperty('skipped');
    } finally {
      await release(eventId);
    }
  });

  it('curtails, shows live progress, stops and restores', async () => {
    const event = await startEvent({
      scope: { type: 'miners', minerIds: [pad(8), pad(9)] },
      mode: 'full_fleet',
      reason: 'live event',
    });
    const eventId = String(event.eventId);
    try {
      const active = await waitState(eventId, ['active']);
      expect(active.rollup).toMatchObject({ confirmed: 2, total: 2 });
      expect(active.startedAt).toEqual(expect.any(String));
      for (const target of active.targets as Json[]) {
        expect(target).toMatchObject({ state: 'confirmed', desiredState: 'curtailed' });
        expect(target.confirmedAt).toEqual(expect.any(String));
      }
      const live = (await ok(call('GET', '/v1/events/active', { role: 'viewer' })))
        .events as Json[];
      expect(live.find((e) => e.eventId === eventId)?.rollup).toMatchObject({ confirmed: 2 });
      const claimed = await waitFor(
        async () => {
          const miners = (
            await ok(call('GET', '/v1/fleet/miners?siteId=site-b', { role: 'viewer' }))
          ).miners as Json[];
          const mine = miners.filter((m) => m.minerId === pad(9));
          return mine.every((m) => (m.telemetry as Json | undefined)?.curtailed === true) && mine;
        },
        { what: 'curtailed telemetry' },
      );
      expect(claimed[0]?.activeEventId).toBe(eventId);

      const stop = await ok(
        call('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} }),
      );
      expect((stop.event as Json).state).toBe('restoring');
      const done = await waitState(eventId, TERMINAL);
      expect(done.state).toBe('completed');
      expect(done.rollup).toMatchObject({ resolved: 2, total: 2 });
      expect(done.endedAt).toEqual(expect.any(String));
      const after = (await ok(call('GET', '/v1/events/active', { role: 'viewer' })))
        .events as Json[];
      expect(after.map((e) => e.eventId)).not.toContain(eventId);
      expect(await auditTypes(eventId)).toEqual([
        'curtailment_completed',
        'curtailment_stopped',
        'curtailment_activated',
        'curtailment_started',
      ]);
      const miners = (await ok(call('GET', '/v1/fleet/miners?siteId=site-b', { role: 'viewer' })))
        .miners as Json[];
      expect(miners.find((m) => m.minerId === pad(9))?.activeEventId).toBeUndefined();
    } finally {
      await release(eventId);
    }
  });

  it('stops a scheduled event before it begins', async () => {
    const event = await startEvent({
      scope: { type: 'miners', minerIds: [pad(11)] },
      mode: 'full_fleet',
      reason: 'called off',
      scheduledStartAt: inAnHour(),
    });
    const eventId = String(event.eventId);
    try {
      // The stop body is optional.
      const stop = await ok(call('POST', `/v1/events/${eventId}/stop`, { role: 'operator' }));
      expect((stop.event as Json).state).toBe('restoring');
      const done = await waitState(eventId, TERMINAL);
      expect(done.state).toBe('completed');
      const commands = stack.simulator?.commands().filter((c) => c.eventId === eventId) ?? [];
      expect(commands.filter((c) => c.action === 'curtail')).toEqual([]);
    } finally {
      await release(eventId);
    }
  });

  for (const [name, extra, headers] of [
    ['the Idempotency-Key header', {}, { 'idempotency-key': 'idem-header-1' }],
    ['the idempotencyKey field', { idempotencyKey: 'idem-field-1' }, {}],
  ] as const) {
    it(`replays a start with the same key in ${name}`, async () => {
      const body = {
        scope: { type: 'miners', minerIds: [pad(12)] },
        mode: 'full_fleet',
        reason: 'idempotent',
        scheduledStartAt: inAnHour(),
        ...extra,
      };
      const first = await call('POST', '/v1/events', { role: 'operator', body, headers });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const eventId = String((first.body.event as Json).eventId);
      try {
        const again = await call('POST', '/v1/events', {
          role: 'operator',
          body: { ...body, reason: 'a different body is ignored' },
          headers,
        });
        expect(again.status, `replay: ${JSON.stringify(again.body)}`).toBe(200);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect((again.body.event as Json).eventId).toBe(eventId);
        expect((again.body.event as Json).reason).toBe('idempotent');
        expect((again.body.event as Json).targets).toHaveLength(1);
        expect(await auditTypes(eventId)).toEqual(['curtailment_started']);
      } finally {
        await release(eventId);
      }
    });
  }
});

async function auditTypes(eventId: string): Promise<string[]> {
  const got = await ok(call('GET', `/v1/audit?eventId=${eventId}`, { role: 'viewer' }));
  return (got.rows as Json[]).map((row) => String(row.type));
}

// ---------------------------------------------------------------------------------------------

describe('settings defaults', () => {
  it('are honoured by preview, start and the admin gates after PUT /v1/settings', async () => {
    const created: string[] = [];
    try {
      const put = await ok(
        call('PUT', '/v1/settings', {
          role: 'admin',
          body: {
            candidateMinPowerW: 900,
            maxDurationDefaultSec: 7_200,
            nonAdminIntervalCapSec: 60,
          },
        }),
      );
      expect(put.settings).toEqual({
        ...DEFAULT_SETTINGS,
        candidateMinPowerW: 900,
        maxDurationDefaultSec: 7_200,
        nonAdminIntervalCapSec: 60,
      });
      const read = await ok(call('GET', '/v1/settings', { role: 'viewer' }));
      expect(read.settings).toEqual(put.settings);

      const plan = await ok(
        call('POST', '/v1/preview', {
          role: 'operator',
          body: { scope: { type: 'sites', siteIds: ['site-x'] }, mode: 'fixed_kw', targetKw: 13.2 },
        }),
      );
      expect(plan.candidateMinPowerW).toBe(900);
      expect((plan.candidates as Json[]).map((c) => c.minerId)).toContain('x-09-low-hash');

      const event = await startEvent({
        scope: { type: 'miners', minerIds: [pad(13)] },
        mode: 'full_fleet',
        reason: 'org defaults',
        scheduledStartAt: inAnHour(),
      });
      created.push(String(event.eventId));
      expect(event.maxDurationSeconds).toBe(7_200);
      expect((event.decisionSnapshot as Json).candidateMinPowerW).toBe(900);

      const probe = { type: 'miners', minerIds: ['no-such-miner'] };
      const gates: [Json, number][] = [
        [{ maxDurationSeconds: 7_201 }, 403],
        [{ maxDurationSeconds: 7_200 }, 404],
        [{ restoreBatchIntervalSec: 61 }, 403],
        [{ restoreBatchIntervalSec: 60 }, 404],
        [{ curtailBatchSize: 1, curtailBatchIntervalSec: 61 }, 403],
      ];
      for (const [extra, status] of gates) {
        const res = await call('POST', '/v1/events', {
          role: 'operator',
          body: { scope: probe, mode: 'full_fleet', reason: 'gate', ...extra },
        });
        expect(res.status, `${JSON.stringify(extra)}: ${JSON.stringify(res.body)}`).toBe(status);
      }
    } finally {
      await ok(call('PUT', '/v1/settings', { role: 'admin', body: DEFAULT_SETTINGS }));
      for (const eventId of created) await release(eventId);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('fleet inventory', () => {
  const org = 'fleet-acceptance';
  const inv = (i: number, extra: Json = {}) => ({
    minerId: `f-${String(i).padStart(4, '0')}`,
    siteId: i % 2 === 0 ? 's-even' : 's-odd',
    model: 'Antminer S21',
    nominalPowerW: 3_500,
    nominalHashrateThs: 200,
    status: 'online',
    commandable: true,
    capabilities: ['curtail_full'],
    ...extra,
  });

  async function pages(query: string, as = org) {
    const seen: Json[][] = [];
    let token: string | null = null;
    do {
      const suffix: string = token ? `&pageToken=${token}` : '';
      const page = await ok(
        call('GET', `/v1/fleet/miners?${query}${suffix}`, { role: 'viewer', org: as }),
      );
      seen.push(page.miners as Json[]);
      token = (page.nextPageToken as string | null) ?? null;
    } while (token && seen.length < 50);
    return seen;
  }

  it('upserts up to 1,000 miners a call and pages them, by site too', async () => {
    const upserted = await ok(
      call('PUT', '/v1/fleet/miners', {
        role: 'operator',
        org,
        body: { miners: Array.from({ length: 25 }, (_, i) => inv(i)) },
      }),
    );
    expect(upserted).toEqual({ upserted: 25 });

    const all = await pages('pageSize=10');
    expect(all.map((page) => page.length)).toEqual([10, 10, 5]);
    const ids = all.flat().map((m) => m.minerId);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => inv(i).minerId));
    expect(all[0]?.[0]).toEqual(inv(0));

    const odd = await pages('siteId=s-odd&pageSize=5');
    expect(odd.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(odd.flat().every((m) => m.siteId === 's-odd')).toBe(true);

    const defaults = await ok(call('GET', '/v1/fleet/miners', { role: 'viewer', org }));
    expect((defaults.miners as Json[]).length).toBe(25);
    expect(defaults.nextPageToken ?? null).toBeNull();

    // An upsert updates in place.
    await ok(
      call('PUT', '/v1/fleet/miners', {
        role: 'operator',
        org,
        body: { miners: [inv(3, { status: 'maintenance', commandable: false })] },
      }),
    );
    const updated = (await pages('pageSize=1000')).flat();
    expect(updated).toHaveLength(25);
    expect(updated.find((m) => m.minerId === 'f-0003')).toMatchObject({
      status: 'maintenance',
      commandable: false,
    });

    // Exactly 1,000 in one call is within bounds.
    const thousand = Array.from({ length: 1_000 }, (_, i) => inv(1_000 + i));
    expect(
      await ok(
        call('PUT', '/v1/fleet/miners', { role: 'operator', org, body: { miners: thousand } }),
      ),
    ).toEqual({ upserted: 1_000 });
    const big = await pages('pageSize=1000');
    expect(big.map((page) => page.length)).toEqual([1_000, 25]);

    // Another organization sees none of it.
    const other = await ok(call('GET', '/v1/fleet/miners', { role: 'viewer', org: 'other-org' }));
    expect(other.miners).toEqual([]);
  }, 60_000);

  it('shows the latest telemetry on miners once the simulator reports, and PUT keeps it', async () => {
    const miners = (await pages('siteId=site-a&pageSize=4', stack.orgId)).flat();
    expect(miners.map((m) => m.minerId)).toEqual(
      Array.from({ length: 10 }, (_, i) => pad(2 * i)).sort(),
    );
    for (const m of miners) {
      const telemetry = m.telemetry as Json;
      expect(telemetry, String(m.minerId)).toMatchObject({
        at: expect.any(String),
        curtailed: false,
      });
      expect(Date.now() - Date.parse(String(telemetry.at))).toBeLessThan(60_000);
      expectNear(telemetry.powerW, 3_200);
      expect(Number(telemetry.efficiencyJth)).toBeCloseTo(
        Number(telemetry.powerW) / Number(telemetry.hashrateThs),
        3,
      );
    }
    const silent = (await pages('siteId=site-x', stack.orgId))
      .flat()
      .find((m) => m.minerId === 'x-04-silent');
    expect(silent).toBeDefined();
    expect(silent?.telemetry).toBeUndefined();

    const inventory = HEALTHY[0]?.inventory;
    await ok(call('PUT', '/v1/fleet/miners', { role: 'operator', body: { miners: [inventory] } }));
    const first = await ok(call('GET', '/v1/fleet/miners?siteId=site-a&pageSize=1'));
    const after = (first.miners as Json[])[0];
    expect(after?.minerId).toBe(pad(0));
    expect(after?.telemetry).toMatchObject({ at: expect.any(String) });
  });
});
