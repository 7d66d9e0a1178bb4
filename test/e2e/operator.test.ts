// Operator and admin APIs over HTTP: history paging, update, admin terminate, force release,
// the audit trail and settings.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/local/stack';
import { uuidv7 } from '../../lib/adapters/ids';
import type { CurtailmentEvent, EventState } from '../../lib/domain/event';
import {
  apiClient,
  healthyFleet,
  startTestStack,
  waitFor,
  waitForTelemetry,
} from '../support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack({ fleet: healthyFleet({ count: 24 }) });
  api = apiClient(stack);
  await waitForTelemetry(stack, 24);
});
afterAll(async () => stack?.stop());

type Json = Record<string, unknown>;
const ev = (response: { body: Json }) => response.body.event as Json;

function seedEvent(orgId: string, state: EventState, at: number): CurtailmentEvent {
  const time = new Date(at).toISOString();
  return {
    orgId,
    eventId: uuidv7(at),
    state,
    mode: 'full_fleet',
    strategy: 'least_efficient_first',
    level: 'full',
    priority: 'normal',
    scope: { type: 'org' },
    reason: `seeded ${state}`,
    maxDurationSeconds: 14_400,
    allowUnbounded: false,
    restoreBatchSize: 0,
    restoreBatchIntervalSec: 0,
    effectiveBatchSize: 1,
    curtailBatchSize: 10,
    curtailBatchIntervalSec: 0,
    minCurtailedDurationSec: 0,
    includeMaintenance: false,
    forceIncludeMaintenance: false,
    postEventCooldownSec: 0,
    createdAt: time,
    updatedAt: time,
    actor: { type: 'user', id: 'seed' },
    externalSource: 'seed-source',
    idempotencyKey: `seed-${at}`,
    targetCount: 0,
    decision: {
      candidateMinPowerW: 1500,
      selectedCount: 0,
      skippedCount: 3,
      skippedAggregate: { maintenance: 2, stale_telemetry: 1 },
      estimatedReductionKw: 0,
      estimatedRemainingPowerKw: 0,
      selectedAt: time,
    },
    progress: { curtailWavesSent: 0, curtailOpenWave: 0, restoreWavesSent: 0 },
    rev: 0,
  };
}

async function startEvent(body: Json) {
  const response = await api('POST', '/v1/events', { role: 'operator', body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return String(ev(response).eventId);
}

async function waitState(eventId: string, state: string) {
  return waitFor(
    async () => {
      const got = ev(await api('GET', `/v1/events/${eventId}`, { role: 'viewer' }));
      return got.state === state ? got : undefined;
    },
    { what: `event ${state}`, timeoutMs: 45_000 },
  );
}

describe('history', () => {
  it('pages 450 events newest first, with and without a state filter', async () => {
    const org = 'history-org';
    const states: EventState[] = ['completed', 'cancelled', 'failed'];
    const base = Date.now() - 1_000_000;
    const seeded = Array.from({ length: 450 }, (_, i) =>
      seedEvent(org, states[i % 3] ?? 'completed', base + i * 1000),
    );
    for (let i = 0; i < seeded.length; i += 25) {
      await Promise.all(
        seeded.slice(i, i + 25).map(async (event) => {
          await stack.deps.events.createEvent({ event, targets: [], skipped: [] });
          await stack.deps.events.patchEvent(org, event.eventId, {
            expectStates: ['claiming'],
            set: { state: event.state },
          });
        }),
      );
    }
    const all: Json[] = [];
    let token: string | null = null;
    let bytes = 0;
    do {
      const query: string = `?pageSize=200${token ? `&pageToken=${token}` : ''}`;
      const page = await api('GET', `/v1/events${query}`, { role: 'viewer', org });
      expect(page.status).toBe(200);
      bytes = Math.max(bytes, JSON.stringify(page.body).length);
      all.push(...(page.body.events as Json[]));
      token = page.body.nextPageToken as string | null;
    } while (token);
    expect(all).toHaveLength(450);
    expect(all.map((e) => e.eventId)).toEqual([...seeded].reverse().map((e) => e.eventId));
    const row = all[0] ?? {};
    expect(row.targets).toBeUndefined();
    expect(row.rollup).toBeUndefined();
    expect(row.externalSource).toBeUndefined();
    expect(row.idempotencyKey).toBeUndefined();
    expect((row.decisionSnapshot as Json).skippedAggregate).toEqual({
      maintenance: 2,
      stale_telemetry: 1,
    });

    const filtered: Json[] = [];
    token = null;
    do {
      const query: string = `?pageSize=50&state=failed&state=cancelled${token ? `&pageToken=${token}` : ''}`;
      const page = await api('GET', `/v1/events${query}`, { role: 'viewer', org });
      filtered.push(...(page.body.events as Json[]));
      token = page.body.nextPageToken as string | null;
      if (token) {
        const crossFilter = await api('GET', `/v1/events?state=failed&pageToken=${token}`, {
          role: 'viewer',
          org,
        });
        expect(crossFilter.status).toBe(400);
        expect(crossFilter.body.reason).toBe('invalid_page_token');
        const crossOrg = await api(
          'GET',
          `/v1/events?state=failed&state=cancelled&pageToken=${token}`,
          { role: 'viewer' },
        );
        expect(crossOrg.body.reason).toBe('invalid_page_token');
      }
    } while (token);
    expect(filtered).toHaveLength(300);
    expect(filtered.every((e) => e.state === 'failed' || e.state === 'cancelled')).toBe(true);

    for (const bad of ['garbage', 'eyJ2IjoxfQ', `${'A'.repeat(1100)}`]) {
      const page = await api('GET', `/v1/events?pageToken=${bad}`, { role: 'viewer', org });
      expect(page.status).toBe(400);
      expect(page.body.reason).toBe('invalid_page_token');
    }
    // A well-formed token naming an event that is not this organization's: not a position.
    const forged = Buffer.from(
      JSON.stringify({ v: 1, org, states: '', before: 'ffffffff-ffff-7fff-bfff-ffffffffffff' }),
    ).toString('base64url');
    const past = await api('GET', `/v1/events?pageToken=${forged}`, { role: 'viewer', org });
    expect(past.body.reason).toBe('invalid_page_token');
    const tooMany = await api('GET', '/v1/events?state=failed&state=failed', {
      role: 'viewer',
      org,
    });
    expect(tooMany.status).toBe(400);
    console.info(`history page of 200 rows: ${bytes} bytes`);
  }, 120_000);
});

describe('update, terminate, release and audit', () => {
  it('updates a held event, writes only changed fields, and refuses a changed batch size', async () => {
    const eventId = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0000', 'm-0001'] },
      mode: 'full_fleet',
      reason: 'update me',
    });
    await waitState(eventId, 'active');
    const echo = await api('PATCH', `/v1/events/${eventId}`, {
      role: 'operator',
      body: { reason: 'update me' },
    });
    expect(echo.status).toBe(200);
    const changed = await api('PATCH', `/v1/events/${eventId}`, {
      role: 'operator',
      body: { reason: 'updated', restoreBatchIntervalSec: 5 },
    });
    expect(ev(changed)).toMatchObject({ reason: 'updated', restoreBatchIntervalSec: 5 });
    const frozen = await api('PATCH', `/v1/events/${eventId}`, {
      role: 'operator',
      body: { restoreBatchSize: 3 },
    });
    expect(frozen.status).toBe(400);
    const raise = await api('PATCH', `/v1/events/${eventId}`, {
      role: 'operator',
      body: { maxDurationSeconds: 20_000 },
    });
    expect(raise.status).toBe(403);

    // A max duration already exceeded sends the held event to restore at once.
    const shortened = await api('PATCH', `/v1/events/${eventId}`, {
      role: 'operator',
      body: { maxDurationSeconds: 1 },
    });
    expect(shortened.status).toBe(200);
    await waitState(eventId, 'completed');
    const late = await api('PATCH', `/v1/events/${eventId}`, {
      role: 'operator',
      body: { reason: 'too late' },
    });
    expect(late.status).toBe(409);
    expect(late.body.reason).toBe('event_not_updatable');

    const audit = await api('GET', `/v1/audit?eventId=${eventId}`, { role: 'viewer' });
    const types = (audit.body.rows as Json[]).map((row) => row.type).reverse();
    expect(types).toEqual([
      'curtailment_started',
      'curtailment_activated',
      'curtailment_updated',
      'curtailment_updated',
      'curtailment_max_duration_reached',
      'curtailment_completed',
    ]);
    const update = (audit.body.rows as Json[]).find(
      (row) => row.type === 'curtailment_updated' && (row.details as Json).reason,
    );
    expect(update?.details).toMatchObject({ fields: ['reason', 'restoreBatchIntervalSec'] });
    expect(update?.actor).toMatchObject({ type: 'user' });
  });

  it('refuses to terminate an active event, terminates a restoring one once', async () => {
    await stack.deps.settings.put(stack.orgId, {
      ...(await stack.deps.settings.get(stack.orgId)),
      restoreConfirmTimeoutSec: 60,
    });
    const eventId = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0002', 'm-0003', 'm-0004'] },
      mode: 'full_fleet',
      reason: 'terminate me',
      restoreBatchSize: 1,
      restoreBatchIntervalSec: 30,
    });
    await waitState(eventId, 'active');
    const body = { targetState: 'cancelled', reason: 'stuck restore' };
    const early = await api('POST', `/v1/events/${eventId}/admin-terminate`, { body });
    expect(early.body.reason).toBe('stop_first');
    const operator = await api('POST', `/v1/events/${eventId}/admin-terminate`, {
      role: 'operator',
      body,
    });
    expect(operator.status).toBe(403);

    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    const restoreCount = () =>
      stack.simulator?.commands().filter((c) => c.eventId === eventId && c.action === 'restore')
        .length ?? 0;
    await waitFor(async () => restoreCount() >= 1, { what: 'first restore wave' });
    const done = await api('POST', `/v1/events/${eventId}/admin-terminate`, { body });
    expect(done.status).toBe(200);
    expect(ev(done).state).toBe('cancelled');
    const rollup = ev(done).rollup as Record<string, number>;
    expect((rollup.restoreFailed ?? 0) + (rollup.resolved ?? 0)).toBe(3);
    const sentAtTerminate = restoreCount();

    const again = await api('POST', `/v1/events/${eventId}/admin-terminate`, { body });
    expect(again.status).toBe(200);
    expect(again.body.transitioned).toBe(false);
    const other = await api('POST', `/v1/events/${eventId}/admin-terminate`, {
      body: { targetState: 'failed', reason: 'other' },
    });
    expect(other.body.reason).toBe('terminal_state_conflict');
    const miners = await stack.deps.fleet.getMiners(stack.orgId, ['m-0002', 'm-0003', 'm-0004']);
    expect([...miners.values()].every((m) => !m.claimEventId)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(restoreCount()).toBe(sentAtTerminate);
  });

  it('terminates a scheduled event that never started as released, not failed', async () => {
    const eventId = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0010'] },
      mode: 'full_fleet',
      reason: 'never started',
      scheduledStartAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const done = await api('POST', `/v1/events/${eventId}/admin-terminate`, {
      body: { targetState: 'cancelled', reason: 'plan changed' },
    });
    expect(done.status).toBe(200);
    expect(ev(done).rollup).toMatchObject({ released: 1, restoreFailed: 0 });
    expect(stack.simulator?.commands().filter((c) => c.eventId === eventId)).toHaveLength(0);
  });

  it('force-releases a restoring event without restore commands', async () => {
    const eventId = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0005', 'm-0006'] },
      mode: 'full_fleet',
      reason: 'release me',
      restoreBatchSize: 1,
      restoreBatchIntervalSec: 60,
    });
    await waitState(eventId, 'active');
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    const released = await api('POST', `/v1/events/${eventId}/force-release`, {
      body: { reason: 'site emergency' },
    });
    expect(released.status).toBe(200);
    expect(ev(released).state).toBe('cancelled');
    expect(released.body.releasedTargetCount).toBeGreaterThanOrEqual(1);
    const audit = await api('GET', `/v1/audit?eventId=${eventId}&pageSize=1`, { role: 'viewer' });
    expect((audit.body.rows as Json[])[0]?.type).toBe('curtailment_force_released');
    expect(audit.body.nextPageToken).toBeTruthy();
  });
});

describe('settings', () => {
  it('reads defaults, lets only admins change them within bounds', async () => {
    const fresh = await api('GET', '/v1/settings', { role: 'viewer', org: 'settings-org' });
    expect(fresh.body.settings).toMatchObject({
      maxDurationDefaultSec: 14_400,
      candidateMinPowerW: 1_500,
    });
    const denied = await api('PUT', '/v1/settings', {
      role: 'operator',
      org: 'settings-org',
      body: { candidateMinPowerW: 2000 },
    });
    expect(denied.status).toBe(403);
    const bad = await api('PUT', '/v1/settings', {
      org: 'settings-org',
      body: { maxDurationDefaultSec: 0 },
    });
    expect(bad.status).toBe(400);
    const unknown = await api('PUT', '/v1/settings', {
      org: 'settings-org',
      body: { colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    const ok = await api('PUT', '/v1/settings', {
      org: 'settings-org',
      body: { candidateMinPowerW: 2000 },
    });
    expect(ok.body.settings).toMatchObject({
      candidateMinPowerW: 2000,
      maxDurationDefaultSec: 14_400,
    });
  });
});
