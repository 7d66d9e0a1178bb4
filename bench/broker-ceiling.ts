// The broker's raw publish ceiling: one mqtt.js client publishes 10,000 command-sized messages
// at QoS 1, all pipelined, to distinct miner topics; timed until the subscriber has them all.

import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { commandTopic } from '../lib/ports/publisher';
import { CommandWatcher } from './watcher';

export const CEILING_ORG = 'bench-ceiling';

export class BrokerCeiling {
  private constructor(
    private readonly publisher: MqttClient,
    private readonly watcher: CommandWatcher,
  ) {}

  static async open(url: string): Promise<BrokerCeiling> {
    const watcher = await CommandWatcher.connect(url, `curtail/v1/${CEILING_ORG}/miners/+/cmd`);
    const publisher = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: `bench-publisher-${process.pid}`,
      reconnectPeriod: 0,
    });
    return new BrokerCeiling(publisher, watcher);
  }

  /**
   * Messages per second between the first and the last message received (as the product's
   * command rates are taken), and the time from the first publish call to the last arrival.
   */
  async run(count: number): Promise<{ rate: number; publishAckedMs: number; receivedMs: number }> {
    const eventId = randomUUID();
    const issuedAt = new Date().toISOString();
    const payloads = Array.from({ length: count }, (_, i) => {
      const minerId = `ceiling-${String(i).padStart(6, '0')}`;
      const body = {
        commandId: randomUUID(),
        eventId,
        minerId,
        action: 'curtail',
        level: 'full',
        issuedAt,
        expiresAt: issuedAt,
      };
      return { topic: commandTopic(CEILING_ORG, minerId), body: JSON.stringify(body) };
    });
    const started = performance.now();
    const arrived = this.watcher.waitFor(eventId, 'curtail', count, 120_000);
    await Promise.all(
      payloads.map((p) => this.publisher.publishAsync(p.topic, p.body, { qos: 1 })),
    );
    const publishAckedMs = performance.now() - started;
    const last = await arrived;
    const receivedMs = last.lastAt - started;
    const rate = count / ((last.lastAt - last.firstAt) / 1000);
    return { rate, publishAckedMs, receivedMs };
  }

  async close() {
    await this.publisher.endAsync(true);
    await this.watcher.close();
  }
}
