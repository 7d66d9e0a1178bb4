// The fleet simulator against a real local broker, driven the way the backend drives miners:
// QoS 1 commands on each miner's topic, confirmation from site telemetry.

import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBroker, startBroker } from '../../infra/local/broker';
import { type Behaviour, generateSampleFleet } from '../../infra/local/fleet/sample-fleet';
import { type Simulator, startSimulator } from '../../infra/local/simulator/simulator';
import { telemetryMessageSchema } from '../../lib/domain/telemetry';
import { commandTopic, type MinerCommand } from '../../lib/ports/publisher';

type Sample = ReturnType<typeof telemetryMessageSchema.parse>['samples'][number];

const ORG = 'org-sim-test';
const BEHAVIOURS: Behaviour[] = [
  'normal',
  'ignore_sleep',
  'fake_curtail',
  'drop_offline',
  'normal',
  'normal',
  'silent',
  'offline',
  'phantom',
  'asleep',
];
const fleet = generateSampleFleet({ size: 10, sites: ['site-a', 'site-b'], seed: 11 });
fleet.forEach((miner, i) => {
  miner.profile.behaviour = BEHAVIOURS[i] ?? 'normal';
  if (miner.profile.behaviour === 'asleep') miner.inventory.status = 'sleeping';
  if (miner.profile.behaviour === 'offline') miner.inventory.status = 'offline';
});
const id = (i: number) => fleet[i]?.inventory.minerId ?? '';
const profile = (i: number) => fleet[i]?.profile ?? { powerW: 0, hashrateThs: 0 };

let broker: LocalBroker;
let simulator: Simulator;
let backend: MqttClient;
const latest = new Map<string, Sample>();
const invalidMessages: unknown[] = [];
let sequence = 0;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits for a sample of the miner taken at or after `since` that satisfies the predicate. */
function waitForSample(minerId: string, since: number, predicate: (s: Sample) => boolean) {
  return waitFor(() => {
    const sample = latest.get(minerId);
    return !!sample && Date.parse(sample.at) >= since && predicate(sample);
  }, `telemetry of ${minerId}`);
}

async function send(
  minerId: string,
  action: MinerCommand['action'],
  overrides: Partial<MinerCommand> = {},
): Promise<MinerCommand> {
  const now = Date.now();
  const command: MinerCommand = {
    commandId: `cmd-${++sequence}`,
    eventId: 'evt-1',
    minerId,
    action,
    level: 'full',
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 60_000).toISOString(),
    ...overrides,
  };
  const before = simulator.commands().length;
  await backend.publishAsync(commandTopic(ORG, minerId), JSON.stringify(command), { qos: 1 });
  await waitFor(() => simulator.commands().length > before, `receipt of ${command.commandId}`);
  return command;
}

const lastCommand = () => simulator.commands().at(-1);

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  backend = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 200 });
  backend.on('error', () => {});
  backend.on('message', (_topic, payload) => {
    const parsed = telemetryMessageSchema.safeParse(JSON.parse(payload.toString()));
    if (!parsed.success) invalidMessages.push(parsed.error);
    for (const sample of parsed.data?.samples ?? []) latest.set(sample.minerId, sample);
  });
  await backend.subscribeAsync(`curtail/v1/${ORG}/sites/+/telemetry`, { qos: 1 });
  simulator = await startSimulator({ mqttUrl: broker.url, orgId: ORG, miners: fleet, speed: 100 });
});

afterAll(async () => {
  await simulator?.stop();
  await backend?.endAsync();
  await broker?.stop();
});

describe('fleet simulator', () => {
  it('publishes valid telemetry for every reporting miner, and none for silent or offline', async () => {
    const since = Date.now();
    await simulator.publishNow();
    for (const i of [0, 1, 2, 3, 4, 5, 8, 9]) await waitForSample(id(i), since, () => true);
    expect(latest.has(id(6))).toBe(false);
    expect(latest.has(id(7))).toBe(false);
    expect(latest.get(id(8))).toMatchObject({ hashrateThs: 0, status: 'online' });
    expect(latest.get(id(9))).toMatchObject({
      hashrateThs: 0,
      status: 'sleeping',
      curtailed: true,
    });
    expect(latest.get(id(9))?.powerW).toBeLessThan(20);
    expect(invalidMessages).toEqual([]);
  });

  it('curtails a miner to idle, ignores a repeated commandId, and restores it', async () => {
    const before = simulator.totalPowerW();
    const curtail = await send(id(0), 'curtail');
    const since = Date.now();
    await waitForSample(id(0), since, (s) => s.powerW < 50 && s.hashrateThs === 0 && !!s.curtailed);
    expect(latest.get(id(0))?.status).toBe('sleeping');
    expect(simulator.totalPowerW()).toBeLessThan(before - profile(0).powerW * 0.9);

    await send(id(0), 'curtail', { commandId: curtail.commandId });
    expect(lastCommand()).toMatchObject({ commandId: curtail.commandId, duplicate: true });
    expect(simulator.snapshot(id(0))).toMatchObject({ status: 'sleeping', curtailed: true });

    await send(id(0), 'restore');
    await waitForSample(id(0), Date.now(), (s) => s.powerW > profile(0).powerW * 0.5);
    expect(latest.get(id(0))).toMatchObject({ status: 'online', curtailed: false });

    await send(id(0), 'restore');
    expect(lastCommand()).toMatchObject({ action: 'restore', duplicate: false, expired: false });
    expect(simulator.snapshot(id(0))?.status).toBe('online');
  });

  it('ignores an expired command', async () => {
    await send(id(4), 'curtail', { expiresAt: new Date(Date.now() - 1_000).toISOString() });
    expect(lastCommand()).toMatchObject({ minerId: id(4), expired: true, duplicate: false });
    // Longer than any curtail ramp at speed 100 (30 s / 100).
    await waitForSample(id(4), Date.now() + 400, () => true);
    expect(latest.get(id(4))).toMatchObject({ status: 'online', curtailed: false });
    expect(latest.get(id(4))?.hashrateThs).toBeGreaterThan(0);
  });

  it('reproduces misbehaving firmware', async () => {
    await send(id(1), 'curtail');
    await send(id(2), 'curtail');
    await send(id(3), 'curtail');
    await send(id(8), 'curtail');
    const settled = Date.now() + 400;
    await waitForSample(id(1), settled, () => true);
    expect(latest.get(id(1))).toMatchObject({ curtailed: false });
    expect(latest.get(id(1))?.powerW).toBeGreaterThan(profile(1).powerW * 0.9);
    await waitForSample(id(2), settled, () => true);
    expect(latest.get(id(2))?.curtailed).toBe(true);
    expect(latest.get(id(2))?.hashrateThs).toBeGreaterThan(0);
    await waitForSample(id(8), settled, () => true);
    expect(latest.get(id(8))?.powerW).toBeGreaterThan(profile(8).powerW * 0.9);
    expect(Date.parse(latest.get(id(3))?.at ?? '')).toBeLessThan(settled);
    expect(simulator.snapshot(id(3))).toMatchObject({ status: 'offline', powerW: 0 });
  });

  it('wakes a sleeping miner on restore', async () => {
    await send(id(9), 'restore');
    await waitForSample(id(9), Date.now(), (s) => s.powerW > profile(9).powerW * 0.5);
    expect(latest.get(id(9))?.hashrateThs).toBeGreaterThan(0);
  });

  it('reconnects after the broker was down and still receives commands', async () => {
    await broker.pause();
    const resumedAt = Date.now();
    await broker.resume();
    await waitFor(() => backend.connected, 'the backend to reconnect');
    await waitForSample(id(5), resumedAt, () => true);
    await send(id(5), 'curtail');
    await waitForSample(id(5), Date.now(), (s) => s.powerW < 50 && s.hashrateThs === 0);
    expect(invalidMessages).toEqual([]);
  });
});
