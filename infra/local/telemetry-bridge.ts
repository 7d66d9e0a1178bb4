// The embedded stack's stand-in for the IoT topic rule: a broker subscription that hands every
// telemetry message, with its topic, to the same handler the rule invokes on AWS.

import mqtt, { type MqttClient } from 'mqtt';
import { TELEMETRY_TOPIC_FILTER } from '../manifest';

type Ingest = (event: Record<string, unknown>) => Promise<unknown>;

const CONCURRENCY = 4;

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
  // Several messages at once, as an IoT rule invokes Lambda concurrently; each message is one
  // invocation.
  const inFlight = new Set<Promise<void>>();
  const waiting: (() => void)[] = [];
  let stopped = false;
  const handle = async (topic: string, payload: Buffer) => {
    while (inFlight.size >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
    if (stopped) return;
    const run = (async () => {
      try {
        const body = JSON.parse(payload.toString('utf8')) as unknown;
        const event = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
        await ingest({ ...(event as Record<string, unknown>), topic });
      } catch (error) {
        onError(error);
      }
    })();
    inFlight.add(run);
    await run;
    inFlight.delete(run);
    waiting.shift()?.();
  };
  const accepted: Promise<void>[] = [];
  client.on('message', (topic, payload) => {
    const handled = handle(topic, payload);
    accepted.push(handled);
    void handled.finally(() => accepted.splice(accepted.indexOf(handled), 1));
  });
  await client.subscribeAsync(TELEMETRY_TOPIC_FILTER, { qos: 1 });
  return {
    /** Resolves once every message received so far has been stored. */
    drain: async () => {
      await Promise.allSettled([...accepted]);
    },
    /** Stops taking messages; a backlog is dropped (telemetry is resent every interval). */
    stop: async () => {
      stopped = true;
      for (const wake of waiting.splice(0)) wake();
      await client.endAsync(true);
      await Promise.allSettled([...inFlight]);
    },
  };
}
