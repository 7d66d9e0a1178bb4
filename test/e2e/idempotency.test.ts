// Idempotent starts and scheduled starts over HTTP on the embedded stack.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/local/stack';
import { capturedLines } from '../support/capture-logs';
import {
  apiClient,
  healthyFleet,
  startTestStack,
  waitFor,
  waitForTelemetry,
} from '../support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
type Json = Record<string, unknown>;

beforeAll(async () => {
  stack = await startTestStack({ fleet: healthyFleet({ count: 20 }) });
  api = apiClient(stack);
  await waitForTelemetry(stack, 20);
});
afterAll(async () => stack?.stop());

const miners = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `m-${String(from + i).padStart(4, '0')}`);
const body = (ids: string[], extra: Json = {}) => ({
  scope: { type: 'miners', minerIds: ids },
  mode: 'full_fleet',
  reason: 'idempotency',
  ...extra,
});
const id = (response: { body: Json }) => String((response.body.event as Json).eventId);

async function auditCount(eventId: string) {
  const audit = await api('GET', `/v1/audit?eventId=${eventId}`, { role: 'viewer' });
  return (audit.body.rows as Json[]).length;
}

async function release(eventId: string) {
  await api('POST', `/v1/events/${eventId}/force-release`, { body: { reason: 'test cleanup' } });
}

describe('idempotent start', () => {
  it('replays by key, ignoring the new body, and writes nothing more', async () => {
    const first = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(0, 2), { idempotencyKey: 'k-1' }),
    });
    expect(first.status).toBe(201);
    const audits = await auditCount(id(first));
    const again = await fetch(`${stack.apiUrl}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token('operator')}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-1',
      },
      body: JSON.stringify(body(miners(5, 7), { reason: 'different body' })),
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const replay = (await again.json()) as Json;
    expect((replay.event as Json).eventId).toBe(id(first));
    expect((replay.event as Json).reason).toBe('idempotency');
    expect(((replay.event as Json).targets as Json[]).length).toBe(2);
    expect(await auditCount(id(first))).toBe(audits);

    const mismatch = await fetch(`${stack.apiUrl}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token('operator')}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-1',
      },
      body: JSON.stringify(body(miners(0, 2), { idempotencyKey: 'k-2' })),
    });
    expect(mismatch.status).toBe(400);

    await release(id(first));
    // The released miners stay asleep (no restore was sent), so the new event takes others.
    const fresh = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(6, 8), { idempotencyKey: 'k-1' }),
    });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
    expect(id(fresh)).not.toBe(id(first));
    await release(id(fresh));
  });

  it('replays by external pair, and the key takes precedence over the pair', async () => {
    const pair = { externalSource: 'utility', externalReference: 'ev-1' };
    const a = await api('POST', '/v1/events', { role: 'operator', body: body(miners(2, 4), pair) });
    const b = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(4, 6), { idempotencyKey: 'k-3' }),
    });
    const byPair = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(8, 9), pair),
    });
    expect(byPair.status).toBe(200);
    expect(id(byPair)).toBe(id(a));
    const both = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(8, 9), { ...pair, idempotencyKey: 'k-3' }),
    });
    expect(id(both)).toBe(id(b));
    const lonePart = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(8, 9), { externalSource: 'utility' }),
    });
    expect(lonePart.status).toBe(201);
    for (const response of [a, b, lonePart]) await release(id(response));
  });

  it('gives 50 concurrent identical starts one event', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api('POST', '/v1/events', {
          role: 'operator',
          body: body(miners(10, 14), { idempotencyKey: 'burst' }),
        }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    const replayed = responses.filter((r) => r.status === 200);
    expect(created).toHaveLength(1);
    expect(replayed).toHaveLength(49);
    const ids = new Set(responses.map(id));
    expect(ids.size).toBe(1);
    const live = await stack.deps.events.listLiveEverywhere();
    expect(live.filter((e) => e.idempotencyKey === 'burst')).toHaveLength(1);
    await release([...ids][0] ?? '');
  });
});

describe('scheduled start', () => {
  it('claims at once, waits, and a stop before the start sends no command', async () => {
    const at = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(15, 18), { scheduledStartAt: at }),
    });
    expect(start.status).toBe(201);
    const eventId = id(start);
    expect((start.body.event as Json).scheduledStartAt).toBe(at);
    const claimed = await stack.deps.fleet.getMiners(stack.orgId, miners(15, 18));
    expect([...claimed.values()].every((m) => m.claimEventId === eventId)).toBe(true);

    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    await waitFor(
      async () => {
        const got = await api('GET', `/v1/events/${eventId}`, { role: 'viewer' });
        return (got.body.event as Json).state === 'completed';
      },
      { what: 'the scheduled event to end' },
    );
    expect(stack.simulator?.commands().filter((c) => c.eventId === eventId)).toHaveLength(0);

    const past = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(18, 19), { scheduledStartAt: new Date(Date.now() - 1000).toISOString() }),
    });
    expect(past.status).toBe(400);
    const far = await api('POST', '/v1/events', {
      role: 'operator',
      body: body(miners(18, 19), {
        scheduledStartAt: new Date(Date.now() + 8 * 86_400_000).toISOString(),
      }),
    });
    expect(far.status).toBe(400);
    expect(capturedLines().length).toBeGreaterThan(0);
  });
});
