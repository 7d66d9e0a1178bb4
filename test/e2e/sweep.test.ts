// The reconciler sweep under faults: a lost workflow execution, a miner that starts mining again
// while curtailed, an exception inside one event, the broker going away mid-wave, and a sweep
// that stops running.

import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/local/stack';
import { runSweep } from '../../lib/app/sweep/sweep';
import { DEFAULT_SETTINGS } from '../../lib/domain/settings';
import { commandTopic } from '../../lib/ports/publisher';
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
  stack = await startTestStack({ fleet: healthyFleet({ count: 16 }) });
  api = apiClient(stack);
  await stack.deps.settings.put(stack.orgId, {
    ...DEFAULT_SETTINGS,
    curtailConfirmTimeoutSec: 2,
    restoreConfirmTimeoutSec: 2,
  });
  await waitForTelemetry(stack, 16);
});
afterAll(async () => stack?.stop());

const minerIds = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `m-${String(from + i).padStart(4, '0')}`);

async function start(ids: string[], extra: Json = {}) {
  const response = await api('POST', '/v1/events', {
    role: 'operator',
    body: {
      scope: { type: 'miners', minerIds: ids },
      mode: 'full_fleet',
      reason: 'sweep test',
      ...extra,
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return String((response.body.event as Json).eventId);
}

async function event(eventId: string) {
  return (await api('GET', `/v1/events/${eventId}`, { role: 'viewer' })).body.event as Json;
}

async function until(eventId: string, state: string, timeoutMs = 45_000) {
  return waitFor(
    async () => ((await event(eventId)).state === state ? event(eventId) : undefined),
    {
      what: `event ${state}`,
      timeoutMs,
    },
  );
}

function emf(metric: string): number[] {
  return capturedLines()
    .filter((line) => line.includes('"_aws"') && line.includes(`"${metric}"`))
    .map((line) => Number((JSON.parse(line) as Json)[metric]));
}

describe('reconciler sweep', () => {
  it('resumes an event whose workflow execution was lost', async () => {
    const eventId = await start(minerIds(0, 3));
    await until(eventId, 'active');
    const stored = await stack.deps.events.getEvent(stack.orgId, eventId);
    await stack.workflow.stop(stored?.executionName ?? '');
    expect(await stack.workflow.isRunning(stored?.executionName ?? '')).toBe(false);

    // Just changed events get a grace period before the sweep resumes them; skip it here.
    await stack.sweep({ resumeGraceMs: 0 });
    const resumed = await stack.deps.events.getEvent(stack.orgId, eventId);
    expect(resumed?.executionName).not.toBe(stored?.executionName);
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    await until(eventId, 'completed');
  });

  it('re-curtails a miner that starts mining again, within one sweep', async () => {
    const eventId = await start(minerIds(3, 6));
    await until(eventId, 'active');
    // Someone restarts a curtailed miner by hand.
    const client = await mqtt.connectAsync(stack.mqttUrl, { protocolVersion: 4 });
    const now = new Date();
    await client.publishAsync(
      commandTopic(stack.orgId, 'm-0004'),
      JSON.stringify({
        commandId: 'manual-restart',
        eventId: 'manual',
        minerId: 'm-0004',
        action: 'restore',
        level: 'full',
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 60_000).toISOString(),
      }),
      { qos: 1 },
    );
    await client.endAsync();
    await waitFor(
      async () => {
        const miner = (await stack.deps.fleet.getMiners(stack.orgId, ['m-0004'])).get('m-0004');
        return (miner?.telemetry?.hashrateThs ?? 0) > 0 && (miner?.telemetry?.powerW ?? 0) > 2_000;
      },
      { what: 'the miner to report running again' },
    );
    const curtailsBefore =
      stack.simulator?.commands().filter((c) => c.minerId === 'm-0004' && c.action === 'curtail')
        .length ?? 0;

    await stack.sweep();
    const after = stack.simulator?.commands() ?? [];
    await waitFor(
      async () =>
        after.filter((c) => c.minerId === 'm-0004' && c.action === 'curtail').length >
        curtailsBefore,
      { what: 'a new curtail command for the drifting miner' },
    );
    const drifted = await api('GET', `/v1/events/${eventId}`, { role: 'viewer' });
    const target = ((drifted.body.event as Json).targets as Json[]).find(
      (t) => t.minerId === 'm-0004',
    );
    expect(target?.state).toBe('drifted');

    await waitFor(
      async () => {
        await stack.sweep();
        const got = await event(eventId);
        const row = (got.targets as Json[]).find((t) => t.minerId === 'm-0004');
        return row?.state === 'confirmed';
      },
      { what: 'the miner confirmed dark again' },
    );
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    await until(eventId, 'completed');
  });

  it('keeps going when one event fails and counts it', async () => {
    const first = await start(minerIds(6, 8));
    const second = await start(minerIds(8, 10));
    await until(first, 'active');
    await until(second, 'active');
    const failing = {
      ...stack.deps,
      events: new Proxy(stack.deps.events, {
        get(target, property, receiver) {
          if (property === 'targetStates') {
            return async (orgId: string, eventId: string) => {
              if (eventId === first) throw new Error('injected failure');
              return target.targetStates(orgId, eventId);
            };
          }
          return Reflect.get(target, property, receiver);
        },
      }),
    };
    const failuresBefore = emf('ReconcilerTickFailed').length;
    const outcome = await runSweep(failing, { budgetMs: 10_000 });
    const { flushMetrics } = await import('../../lib/adapters/observability');
    flushMetrics();
    expect(outcome.failedEvents).toBe(1);
    expect(outcome.actions.checked).toBeGreaterThanOrEqual(1);
    expect(emf('ReconcilerTickFailed').length).toBeGreaterThan(failuresBefore);
    for (const id of [first, second]) {
      await api('POST', `/v1/events/${id}/stop`, { role: 'operator', body: {} });
      await until(id, 'completed');
    }
  });

  it('shows the heartbeat age growing when the sweep stops', async () => {
    await stack.sweep();
    const fresh = await api('GET', '/v1/health', { role: 'viewer' });
    const age = (fresh.body.reconciler as Json).heartbeatAgeSeconds as number;
    expect(age).toBeLessThanOrEqual(1);
    await waitFor(
      async () => {
        const later = await api('GET', '/v1/health', { role: 'viewer' });
        return ((later.body.reconciler as Json).heartbeatAgeSeconds as number) >= 3;
      },
      { what: 'the heartbeat to age', timeoutMs: 10_000, intervalMs: 500 },
    );
    const { handler } = await import('../../functions/scheduled/watchdog');
    await handler({}, {} as never);
    const ages = emf('HeartbeatAgeSeconds');
    expect(ages.at(-1)).toBeGreaterThanOrEqual(3);
  });

  it('converges after the broker is down for 30 seconds during a wave', async () => {
    await stack.broker.pause();
    const eventId = await start(minerIds(10, 16), { curtailBatchSize: 3 });
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    expect((await event(eventId)).state).toBe('pending');
    await stack.broker.resume();
    await until(eventId, 'active', 60_000);
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    await until(eventId, 'completed', 60_000);
    expect(emf('CommandPublishFailed').length).toBeGreaterThan(0);
  }, 150_000);
});
