// Publishes miner commands to an MQTT broker (the embedded stack's aedes) at QoS 1, pipelined:
// every publish is in flight at once and each waits for its PUBACK.

import mqtt, { type MqttClient } from 'mqtt';
import type { CommandPublisher, MinerCommand, PublishResult } from '../ports/publisher';
import { commandTopic } from '../ports/publisher';

const PUBLISH_TIMEOUT_MS = 5_000;

export class MqttCommandPublisher implements CommandPublisher {
  private client: MqttClient | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly url: string) {}

  private connection(): MqttClient {
    this.client ??= mqtt.connect(this.url, {
      protocolVersion: 4,
      clientId: `curtail-publisher-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 500,
      // Commands must not sit in an offline queue and go out long after the step gave up.
      queueQoSZero: false,
    });
    return this.client;
  }

  async publish(orgId: string, commands: MinerCommand[]): Promise<PublishResult> {
    const client = this.connection();
    const sent = new Set<string>();
    const failed = new Map<string, string>();
    // Concurrent publishes share one wait for the connection.
    if (!client.connected) {
      this.connecting ??= waitConnected(client, PUBLISH_TIMEOUT_MS)
        .catch(() => undefined)
        .finally(() => {
          this.connecting = undefined;
        });
      await this.connecting;
    }
    if (!client.connected) {
      for (const command of commands) failed.set(command.commandId, 'broker unavailable');
      return { sent, failed };
    }
    await Promise.all(
      commands.map(async (command) => {
        try {
          await withTimeout(
            client.publishAsync(commandTopic(orgId, command.minerId), JSON.stringify(command), {
              qos: 1,
            }),
            PUBLISH_TIMEOUT_MS,
          );
          sent.add(command.commandId);
        } catch (error) {
          failed.set(command.commandId, error instanceof Error ? error.message : String(error));
        }
      }),
    );
    return { sent, failed };
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = undefined;
  }
}

function waitConnected(client: MqttClient, ms: number): Promise<void> {
  return withTimeout(new Promise<void>((resolve) => client.once('connect', () => resolve())), ms);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('publish timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
