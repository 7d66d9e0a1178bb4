// Races over HTTP on the embedded stack: concurrent starts for the same miners, and a stop
// that lands while curtail waves are still going out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/local/stack';
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
  stack = await startTestStack({ fleet: healthyFleet({ count: 40 }) });
  api = apiClient(stack);
  await waitForTelemetry(stack, 40);
});
afterAll(async () => stack?.stop());

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `m-${String(from + i).padStart(4, '0')}`);

async function eventState(eventId: string) {
  const got = await api('GET', `/v1/events/${eventId}`, { role: 'viewer' });
  return got.body.event as Record<string, unknown>;
}

describe('concurrent starts for the same miners', () => {
  it('lets exactly one win and leaves nothing of the loser behind', async () => {
    const body = (reason: string) => ({
      scope: { type: 'miners', minerIds: ids(0, 20) },
      mode: 'full_fleet',
      reason,
      curtailBatchSize: 1,
    });
    const [a, b] = await Promise.all([
      api('POST', '/v1/events', { role: 'operator', body: body('first') }),
      api('POST', '/v1/events', { role: 'operator', body: body('second') }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 201 ? a : b;
    expect(loser.body.reason).toBe('device_already_curtailed');
    const winnerId = String((winner.body.event as Record<string, unknown>).eventId);

    const live = await stack.deps.events.listLiveEverywhere();
    expect(live.map((e) => e.eventId)).toEqual([winnerId]);
    const miners = await stack.deps.fleet.getMiners(stack.orgId, ids(0, 20));
    expect([...miners.values()].every((m) => m.claimEventId === winnerId)).toBe(true);

    await api('POST', `/v1/events/${winnerId}/stop`, { role: 'operator', body: {} });
    await waitFor(async () => (await eventState(winnerId)).state === 'completed', {
      what: 'winner to complete',
      timeoutMs: 45_000,
    });
    const released = await stack.deps.fleet.getMiners(stack.orgId, ids(0, 20));
    expect([...released.values()].every((m) => m.claimEventId === undefined)).toBe(true);
  });
});

describe('stop during curtail waves', () => {
  it('publishes no curtail command after stop answers and restores only what was curtailed', async () => {
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'miners', minerIds: ids(20, 40) },
        mode: 'full_fleet',
        reason: 'stop mid-wave',
        curtailBatchSize: 2,
        curtailBatchIntervalSec: 1,
      },
    });
    expect(start.status).toBe(201);
    const eventId = String((start.body.event as Record<string, unknown>).eventId);
    const commandsFor = () =>
      stack.simulator?.commands().filter((c) => c.eventId === eventId) ?? [];
    await waitFor(async () => commandsFor().filter((c) => c.action === 'curtail').length >= 4, {
      what: 'two curtail waves',
    });

    const stop = await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    const stoppedAt = Date.now();
    expect(stop.status).toBe(200);
    await waitFor(async () => (await eventState(eventId)).state === 'completed', {
      what: 'event to complete',
      timeoutMs: 45_000,
    });

    const curtails = commandsFor().filter((c) => c.action === 'curtail');
    const restores = commandsFor().filter((c) => c.action === 'restore');
    // Delivery lags the broker's acknowledgement by a moment; nothing may arrive well after.
    expect(curtails.every((c) => c.receivedAt <= stoppedAt + 250)).toBe(true);
    expect(curtails.length).toBeLessThan(20);
    expect(new Set(restores.map((c) => c.minerId))).toEqual(
      new Set(curtails.map((c) => c.minerId)),
    );
    const done = await eventState(eventId);
    const rollup = done.rollup as Record<string, number>;
    expect(rollup.released).toBe(20 - new Set(curtails.map((c) => c.minerId)).size);
    expect((rollup.resolved ?? 0) + (rollup.released ?? 0)).toBe(20);
  });
});
