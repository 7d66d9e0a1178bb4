// Faults over HTTP on the embedded stack: a miner that never goes dark, and a restart of the
// whole stack in the middle of an event while the miners keep running.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local';
import { type Simulator, startSimulator } from '../../infra/local/simulator/simulator';
import type { Stack } from '../../infra/local/stack';
import { DEFAULT_SETTINGS } from '../../lib/domain/settings';
import {
  apiClient,
  healthyFleet,
  startTestStack,
  testTableName,
  waitFor,
  waitForTelemetry,
} from '../support/stack';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of cleanup.reverse()) await stop();
});

async function stateOf(api: ReturnType<typeof apiClient>, eventId: string) {
  const got = await api('GET', `/v1/events/${eventId}`, { role: 'viewer' });
  return got.body.event as Record<string, unknown>;
}

describe('a miner that never curtails', () => {
  it('ends curtail_failed after its retry budget and the event still completes', async () => {
    const fleet = healthyFleet({ count: 6, prefix: 'f' });
    const stack = await startTestStack({ fleet });
    cleanup.push(() => stack.stop());
    const api = apiClient(stack);
    await stack.deps.settings.put(stack.orgId, {
      ...DEFAULT_SETTINGS,
      curtailConfirmTimeoutSec: 1,
      curtailMaxRetries: 2,
    });
    stack.simulator?.setBehaviour('f-0000', 'ignore_sleep');
    await waitForTelemetry(stack, 6);

    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: { scope: { type: 'org' }, mode: 'full_fleet', reason: 'stubborn miner' },
    });
    expect(start.status).toBe(201);
    const eventId = String((start.body.event as Record<string, unknown>).eventId);
    const active = await waitFor(
      async () => {
        const event = await stateOf(api, eventId);
        return event.state === 'active' ? event : undefined;
      },
      { what: 'activation despite the failed miner', timeoutMs: 30_000 },
    );
    expect(active.rollup).toMatchObject({ confirmed: 5, curtailFailed: 1 });
    const stubborn = stack.simulator?.commands().filter((c) => c.minerId === 'f-0000') ?? [];
    expect(new Set(stubborn.map((c) => c.commandId)).size).toBe(3);

    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    const done = await waitFor(
      async () => {
        const event = await stateOf(api, eventId);
        return event.state === 'completed_with_failures' ? event : undefined;
      },
      { what: 'completion with failures', timeoutMs: 45_000 },
    );
    expect(done.rollup).toMatchObject({ resolved: 6, total: 6 });
  });
});

describe('a miner that never comes back', () => {
  it('ends restore_failed after its retry budget and the event completes with failures', async () => {
    const fleet = healthyFleet({ count: 4, prefix: 'g' });
    const stack = await startTestStack({ fleet });
    cleanup.push(() => stack.stop());
    const api = apiClient(stack);
    await stack.deps.settings.put(stack.orgId, {
      ...DEFAULT_SETTINGS,
      restoreConfirmTimeoutSec: 1,
      restoreMaxRetries: 1,
    });
    await waitForTelemetry(stack, 4);
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: { scope: { type: 'org' }, mode: 'full_fleet', reason: 'a miner drops off' },
    });
    const eventId = String((start.body.event as Record<string, unknown>).eventId);
    await waitFor(async () => (await stateOf(api, eventId)).state === 'active', { what: 'active' });
    // The miner loses its network while curtailed: no restore can ever be confirmed.
    stack.simulator?.setBehaviour('g-0002', 'offline');
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    const done = await waitFor(
      async () => {
        const event = await stateOf(api, eventId);
        return event.state === 'completed_with_failures' ? event : undefined;
      },
      { what: 'completion with a restore failure', timeoutMs: 45_000 },
    );
    expect(done.rollup).toMatchObject({ resolved: 3, restoreFailed: 1, total: 4 });
    const restores = stack.simulator
      ?.commands()
      .filter((c) => c.minerId === 'g-0002' && c.action === 'restore');
    // One send and one retry (restoreMaxRetries = 1), then the budget is spent.
    expect(new Set(restores?.map((c) => c.commandId))).toHaveProperty('size', 2);
    const miner = (await stack.deps.fleet.getMiners(stack.orgId, ['g-0002'])).get('g-0002');
    expect(miner?.claimEventId).toBeUndefined();
  });
});

describe('a restart of the stack in the middle of an event', () => {
  it('resumes the workflow from the table and completes the event', async () => {
    const fleet = healthyFleet({ count: 12, prefix: 'r' });
    const tableName = testTableName();
    const dataDir = mkdtempSync(join(tmpdir(), 'curtail-restart-'));
    const mqttPort = await freePort();
    const options = { fleet, tableName, dataDir, mqttPort, simulate: false };
    let stack: Stack = await startTestStack(options);
    // The miners outlive the stack: one simulator, reconnecting to the restarted broker.
    const simulator: Simulator = await startSimulator({
      mqttUrl: stack.mqttUrl,
      orgId: stack.orgId,
      miners: fleet,
      speed: 200,
      telemetryIntervalMs: 150,
    });
    cleanup.push(() => simulator.stop());
    let api = apiClient(stack);
    await waitFor(
      async () => (await stack.deps.fleet.loadFleet(stack.orgId)).every((m) => m.telemetry),
      { what: 'telemetry' },
    );
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'org' },
        mode: 'full_fleet',
        reason: 'restart test',
        restoreBatchSize: 3,
        restoreBatchIntervalSec: 1,
      },
    });
    const eventId = String((start.body.event as Record<string, unknown>).eventId);
    await waitFor(async () => (await stateOf(api, eventId)).state === 'active', {
      what: 'activation',
    });
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    await waitFor(
      async () => simulator.commands().filter((c) => c.action === 'restore').length >= 3,
      { what: 'the first restore wave' },
    );

    await stack.stop();
    stack = await startTestStack(options);
    cleanup.push(() => stack.stop());
    api = apiClient(stack);

    const done = await waitFor(
      async () => {
        const event = await stateOf(api, eventId);
        return event.state === 'completed' ? event : undefined;
      },
      { what: 'completion after the restart', timeoutMs: 60_000 },
    );
    expect(done.rollup).toMatchObject({ resolved: 12, total: 12 });
    const restores = simulator.commands().filter((c) => c.action === 'restore' && !c.duplicate);
    expect(new Set(restores.map((c) => c.minerId)).size).toBe(12);
  });
});
