// A plain MQTT subscriber on every miner command topic, standing in for the miners: it
// records when each distinct command (event, action, miner) first arrived.

import mqtt, { type MqttClient } from 'mqtt';

interface Tally {
  miners: Set<string>;
  firstAt: number;
  lastAt: number;
  waiters: { count: number; resolve: () => void }[];
}

export interface Arrivals {
  count: number;
  /** performance.now() of the first and of the latest new command. */
  firstAt: number;
  lastAt: number;
}

export class CommandWatcher {
  private readonly tallies = new Map<string, Tally>();
  duplicates = 0;

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(url: string, topicFilter: string): Promise<CommandWatcher> {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: `bench-watcher-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0,
    });
    await client.subscribeAsync(topicFilter, { qos: 1 });
    return new CommandWatcher(client);
  }

  private onMessage(topic: string, payload: Buffer) {
    const now = performance.now();
    let key: string;
    let miner: string;
    try {
      const command = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      key = `${String(command.eventId)}|${String(command.action)}`;
      miner = String(command.minerId ?? topic);
    } catch {
      return;
    }
    const tally = this.tally(key);
    if (tally.miners.has(miner)) {
      this.duplicates += 1;
      return;
    }
    tally.miners.add(miner);
    if (tally.miners.size === 1) tally.firstAt = now;
    tally.lastAt = now;
    tally.waiters = tally.waiters.filter((w) => {
      if (tally.miners.size < w.count) return true;
      w.resolve();
      return false;
    });
  }

  private tally(key: string): Tally {
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { miners: new Set(), firstAt: 0, lastAt: 0, waiters: [] };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  arrivals(eventId: string, action: string): Arrivals {
    const tally = this.tally(`${eventId}|${action}`);
    return { count: tally.miners.size, firstAt: tally.firstAt, lastAt: tally.lastAt };
  }

  /** Resolves once `count` distinct commands arrived; rejects after timeoutMs. */
  async waitFor(eventId: string, action: string, count: number, timeoutMs: number) {
    const tally = this.tally(`${eventId}|${action}`);
    if (tally.miners.size < count) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => tally.waiters.push({ count, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`only ${tally.miners.size} of ${count} ${action} commands arrived`)),
            timeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return this.arrivals(eventId, action);
  }

  async close() {
    await this.client.endAsync(true);
  }
}
