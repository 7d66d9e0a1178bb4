// A full lifecycle over HTTP on the embedded stack: start, confirmation, hold, stop and a
// staged restore in several waves, checked against what the simulated miners received.

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
  stack = await startTestStack({ fleet: healthyFleet({ count: 30 }) });
  api = apiClient(stack);
  await waitForTelemetry(stack, 30);
});
afterAll(async () => stack?.stop());

describe('event lifecycle', () => {
  it('curtails the least efficient miners, holds, and restores in waves', async () => {
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'org' },
        mode: 'fixed_kw',
        targetKw: 30,
        reason: 'lifecycle test',
        restoreBatchSize: 4,
        restoreBatchIntervalSec: 0,
      },
    });
    expect(start.status).toBe(201);
    const event = start.body.event as Record<string, unknown>;
    const eventId = String(event.eventId);
    expect(event.state).toBe('pending');
    expect(event.curtailBatchSize).toBe(10);
    expect(event.effectiveBatchSize).toBe(4);
    const targets = event.targets as { minerId: string }[];
    // 30 kW at 3.2 kW each needs 10 miners: the ten least efficient (lowest hashrate).
    expect(targets.map((t) => t.minerId).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `m-${String(i).padStart(4, '0')}`),
    );

    const active = await waitFor(
      async () => {
        const got = await api('GET', `/v1/events/${eventId}`, { role: 'viewer' });
        const ev = got.body.event as Record<string, unknown>;
        return ev.state === 'active' ? ev : undefined;
      },
      { what: 'event to become active' },
    );
    expect((active.rollup as Record<string, number>).confirmed).toBe(10);

    const stop = await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    expect(stop.status).toBe(200);
    expect((stop.body.event as Record<string, unknown>).state).toBe('restoring');

    const done = await waitFor(
      async () => {
        const got = await api('GET', `/v1/events/${eventId}`, { role: 'viewer' });
        const ev = got.body.event as Record<string, unknown>;
        return ev.state === 'completed' ? ev : undefined;
      },
      { what: 'event to complete', timeoutMs: 45_000 },
    );
    expect((done.rollup as Record<string, number>).resolved).toBe(10);

    const commands = stack.simulator?.commands().filter((c) => c.eventId === eventId) ?? [];
    const curtails = commands.filter((c) => c.action === 'curtail' && !c.duplicate);
    const restores = commands.filter((c) => c.action === 'restore' && !c.duplicate);
    expect(curtails).toHaveLength(10);
    expect(restores).toHaveLength(10);
    // Restore waves of 4: 4 + 4 + 2, most efficient miners first.
    const firstWave = restores
      .slice(0, 4)
      .map((c) => c.minerId)
      .sort();
    expect(firstWave).toEqual(['m-0006', 'm-0007', 'm-0008', 'm-0009']);
  });
});
