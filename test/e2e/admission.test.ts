// Closed-loop full_fleet: a miner that comes back into service in the scope of a held event is
// admitted by the sweep, curtailed, and restored with the others.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleMiner } from '../../infra/local/fleet/sample-fleet';
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
type Json = Record<string, unknown>;

const fleet: SampleMiner[] = healthyFleet({ count: 4, prefix: 'z', sites: ['site-z'] });
const returning = fleet[3] as SampleMiner;
returning.inventory = { ...returning.inventory, status: 'maintenance' };

beforeAll(async () => {
  stack = await startTestStack({
    fleet: [...fleet, ...healthyFleet({ count: 2, sites: ['site-y'] })],
  });
  api = apiClient(stack);
  await waitForTelemetry(stack, 6);
});
afterAll(async () => stack?.stop());

async function event(eventId: string) {
  return (await api('GET', `/v1/events/${eventId}`, { role: 'viewer' })).body.event as Json;
}

describe('full_fleet admission', () => {
  it('admits a miner that comes back from maintenance, curtails and later restores it', async () => {
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'sites', siteIds: ['site-z'] },
        mode: 'full_fleet',
        reason: 'closed loop',
      },
    });
    expect(start.status).toBe(201);
    const eventId = String((start.body.event as Json).eventId);
    expect((start.body.event as Json).decisionSnapshot).toMatchObject({ selectedCount: 3 });
    await waitFor(async () => (await event(eventId)).state === 'active', { what: 'active' });

    const back = await api('PUT', '/v1/fleet/miners', {
      role: 'operator',
      body: { miners: [{ ...returning.inventory, status: 'online' }] },
    });
    expect(back.status).toBe(200);
    await stack.sweep({ resumeGraceMs: 0 });
    await waitFor(
      async () =>
        (stack.simulator?.commands() ?? []).some(
          (c) => c.minerId === 'z-0003' && c.eventId === eventId && c.action === 'curtail',
        ),
      { what: 'a curtail command for the admitted miner' },
    );
    const admitted = await waitFor(
      async () => {
        await stack.sweep({ resumeGraceMs: 0 });
        const got = await event(eventId);
        const row = (got.targets as Json[]).find((t) => t.minerId === 'z-0003');
        return row?.state === 'confirmed' ? got : undefined;
      },
      { what: 'the admitted miner confirmed dark' },
    );
    expect(admitted.rollup).toMatchObject({ confirmed: 4, total: 4 });
    const other = (await stack.deps.fleet.getMiners(stack.orgId, ['m-0000'])).get('m-0000');
    expect(other?.claimEventId).toBeUndefined();

    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    const done = await waitFor(
      async () => {
        const got = await event(eventId);
        return got.state === 'completed' ? got : undefined;
      },
      { what: 'completion', timeoutMs: 45_000 },
    );
    expect(done.rollup).toMatchObject({ resolved: 4, total: 4 });
    const restores = stack.simulator
      ?.commands()
      .filter((c) => c.eventId === eventId && c.action === 'restore');
    expect(new Set(restores?.map((c) => c.minerId))).toEqual(
      new Set(['z-0000', 'z-0001', 'z-0002', 'z-0003']),
    );
  });
});
