// Publishes miner commands through the IoT Core data plane at QoS 1, many at once: IoT Core
// takes one command per miner topic and its account quota is in thousands per second.

import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import type { CommandPublisher, MinerCommand, PublishResult } from '../ports/publisher';
import { commandTopic } from '../ports/publisher';

const CONCURRENCY = 64;

export class IotCommandPublisher implements CommandPublisher {
  private readonly client: IoTDataPlaneClient;

  constructor(endpoint: string) {
    this.client = new IoTDataPlaneClient({ endpoint: `https://${endpoint}` });
  }

  async publish(orgId: string, commands: MinerCommand[]): Promise<PublishResult> {
    const sent = new Set<string>();
    const failed = new Map<string, string>();
    let next = 0;
    const lane = async () => {
      while (next < commands.length) {
        const command = commands[next++];
        if (!command) return;
        try {
          await this.client.send(
            new PublishCommand({
              topic: commandTopic(orgId, command.minerId),
              qos: 1,
              payload: new TextEncoder().encode(JSON.stringify(command)),
              contentType: 'application/json',
            }),
          );
          sent.add(command.commandId);
        } catch (error) {
          failed.set(command.commandId, error instanceof Error ? error.name : 'publish failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, commands.length) }, lane));
    return { sent, failed };
  }
}
