// The miner fleet simulator: site gateways on MQTT that obey curtail/restore commands and publish
// telemetry, with per-miner physics and quirks, plus hooks for tests to inspect and steer it.

import { z } from 'zod';
import type { MinerCommand } from '../../../lib/ports/publisher';
import type { Behaviour, SampleMiner } from '../fleet/sample-fleet';
import { SiteGateway } from './gateway';
import { type MinerSnapshot, type ReceivedCommand, SimulatedMiner } from './miner';

export type { MinerSnapshot, ReceivedCommand } from './miner';

export interface SimulatorOptions {
  mqttUrl: string;
  orgId: string;
  miners: SampleMiner[];
  /** Time compression: ramps and the default telemetry interval are divided by it. */
  speed?: number;
  telemetryIntervalMs?: number;
  clock?: () => number;
}

export interface Simulator {
  stop(): Promise<void>;
  setBehaviour(minerId: string, behaviour: Behaviour): void;
  snapshot(minerId: string): MinerSnapshot | undefined;
  totalPowerW(): number;
  commands(): ReceivedCommand[];
  /** Publishes a telemetry round for every connected site now. */
  publishNow(): Promise<void>;
  /** Calls the listener for every command message received; returns an unsubscribe function. */
  onCommand(listener: (command: ReceivedCommand) => void): () => void;
}

const MIN_TELEMETRY_INTERVAL_MS = 100;

// Lenient on extra fields, as firmware tends to be; anything else malformed is dropped.
const commandSchema = z.object({
  commandId: z.string().min(1),
  eventId: z.string(),
  minerId: z.string(),
  action: z.enum(['curtail', 'restore']),
  level: z.literal('full'),
  issuedAt: z.string(),
  expiresAt: z.string(),
});

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be positive, got ${speed}`);
  const clock = options.clock ?? Date.now;
  const intervalMs = Math.max(
    MIN_TELEMETRY_INTERVAL_MS,
    options.telemetryIntervalMs ?? 10_000 / speed,
  );

  const miners = new Map<string, SimulatedMiner>();
  for (const sample of options.miners) {
    const { minerId } = sample.inventory;
    if (miners.has(minerId)) throw new Error(`duplicate minerId ${minerId}`);
    miners.set(minerId, new SimulatedMiner(sample, speed, clock()));
  }
  const received: ReceivedCommand[] = [];
  const listeners = new Set<(command: ReceivedCommand) => void>();
  let stopped = false;

  const onCommand = (miner: SimulatedMiner, payload: Buffer) => {
    if (stopped) return;
    const command = parseCommand(payload);
    if (!command || command.minerId !== miner.minerId) return;
    const record = miner.receive(command, clock());
    received.push(record);
    for (const listener of listeners) listener(record);
  };

  const bySite = new Map<string, SimulatedMiner[]>();
  for (const miner of miners.values()) {
    bySite.set(miner.siteId, [...(bySite.get(miner.siteId) ?? []), miner]);
  }
  const connecting = [...bySite].map(([siteId, siteMiners]) =>
    SiteGateway.connect({ ...options, siteId, miners: siteMiners, onCommand }),
  );
  const results = await Promise.allSettled(connecting);
  const gateways = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    await Promise.all(gateways.map((g) => g.close()));
    throw failure.reason;
  }

  const publishRound = () => Promise.all(gateways.map((g) => g.publishTelemetry(clock())));
  const timer = setInterval(() => {
    // A lost round is fine: the next one carries fresh samples anyway.
    publishRound().catch(() => {});
  }, intervalMs);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      listeners.clear();
      await Promise.all(gateways.map((g) => g.close()));
    },
    setBehaviour(minerId, behaviour) {
      const miner = miners.get(minerId);
      if (!miner) throw new Error(`unknown miner ${minerId}`);
      miner.setBehaviour(behaviour, clock());
    },
    snapshot: (minerId) => miners.get(minerId)?.snapshot(clock()),
    totalPowerW() {
      const now = clock();
      let total = 0;
      for (const miner of miners.values()) total += miner.snapshot(now).powerW;
      return total;
    },
    commands: () => [...received],
    async publishNow() {
      if (stopped) return;
      await publishRound();
    },
    onCommand(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function parseCommand(payload: Buffer): MinerCommand | undefined {
  try {
    const parsed = commandSchema.safeParse(JSON.parse(payload.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
