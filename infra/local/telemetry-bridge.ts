// The embedded stack's stand-in for the IoT topic rule: a broker subscription that hands every
// telemetry message, with its topic, to the same handler the rule invokes on AWS.

import mqtt, { type MqttClient } from 'mqtt';
import { TELEMETRY_TOPIC_FILTER } from '../manifest';

type Ingest = (event: Record<string, unknown>) => Promise<unknown>;

export async function startTelemetryBridge(
  mqttUrl: string,
  ingest: Ingest,
  onError: (e: unknown) => void,
) {
  const client: MqttClient = await mqtt.connectAsync(mqttUrl, {
    protocolVersion: 4,
    clientId: `curtail-telemetry-rule-${process.pid}`,
    reconnectPeriod: 500,
    clean: false,
  });
  // Messages are handled one at a time per bridge, as an IoT rule's Lambda would see them.
  let queue = Promise.resolve();
  client.on('message', (topic, payload) => {
    queue = queue.then(async () => {
      try {
        const body = JSON.parse(payload.toString('utf8')) as unknown;
        const event = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
        await ingest({ ...(event as Record<string, unknown>), topic });
      } catch (error) {
        onError(error);
      }
    });
  });
  await client.subscribeAsync(TELEMETRY_TOPIC_FILTER, { qos: 1 });
  return {
    /** Resolves once every message received so far has been stored. */
    drain: () => queue,
    stop: async () => {
      await queue;
      await client.endAsync(true);
    },
  };
}
