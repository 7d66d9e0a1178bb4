// A site gateway: one MQTT 3.1.1 connection per site that carries the commands of every miner on
// the site and publishes their telemetry, as a real site's edge box would.

import mqtt, { type MqttClient } from 'mqtt';
import { telemetryTopic } from '../../../lib/domain/telemetry';
import { commandTopic } from '../../../lib/ports/publisher';
import type { SimulatedMiner } from './miner';

/** The contract caps a telemetry message at 500 samples; bigger sites send several. */
export const SAMPLES_PER_MESSAGE = 500;
const TOPICS_PER_SUBSCRIBE = 200;
const CONNECT_TIMEOUT_MS = 10_000;

export interface GatewayOptions {
  mqttUrl: string;
  orgId: string;
  siteId: string;
  miners: SimulatedMiner[];
  onCommand(miner: SimulatedMiner, payload: Buffer): void;
}

export class SiteGateway {
  private constructor(
    private readonly client: MqttClient,
    private readonly options: GatewayOptions,
  ) {}

  static async connect(options: GatewayOptions): Promise<SiteGateway> {
    const { orgId, siteId } = options;
    const suffix = Math.random().toString(36).slice(2, 10);
    const client = mqtt.connect(options.mqttUrl, {
      clientId: `sim-${orgId}-${siteId}-${suffix}`,
      protocolVersion: 4,
      // A persistent session keeps the subscriptions, and QoS 1 commands sent while the link
      // was down are delivered on reconnect; mqtt.js resubscribes if the broker lost the session.
      clean: false,
      reconnectPeriod: 500,
      connectTimeout: 5_000,
      queueQoSZero: false,
    });
    // Connection errors surface as reconnect attempts; nothing to do but keep retrying.
    client.on('error', () => {});
    const byTopic = new Map(options.miners.map((m) => [commandTopic(orgId, m.minerId), m]));
    client.on('message', (topic, payload) => {
      const miner = byTopic.get(topic);
      if (miner) options.onCommand(miner, payload);
    });
    try {
      await waitForConnect(client);
      const topics = [...byTopic.keys()];
      for (let i = 0; i < topics.length; i += TOPICS_PER_SUBSCRIBE) {
        await client.subscribeAsync(topics.slice(i, i + TOPICS_PER_SUBSCRIBE), { qos: 1 });
      }
    } catch (error) {
      await client.endAsync(true);
      throw error;
    }
    return new SiteGateway(client, options);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** One telemetry round; skipped while disconnected (the gateway does not buffer telemetry). */
  async publishTelemetry(now: number): Promise<void> {
    if (!this.client.connected) return;
    const samples = this.options.miners.filter((m) => m.publishes).map((m) => m.telemetry(now));
    const topic = telemetryTopic(this.options.orgId, this.options.siteId);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < samples.length; i += SAMPLES_PER_MESSAGE) {
      const payload = JSON.stringify({ samples: samples.slice(i, i + SAMPLES_PER_MESSAGE) });
      sends.push(this.client.publishAsync(topic, payload, { qos: 0 }));
    }
    await Promise.all(sends);
  }

  async close(): Promise<void> {
    await this.client.endAsync(!this.client.connected);
  }
}

function waitForConnect(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('connect', onConnect);
      reject(new Error(`could not connect to the broker within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('connect', onConnect);
  });
}
