// The embedded local stack: DynamoDB Local, the MQTT broker, the local API gateway, the local
// Step Functions runner, the sweep timer and the miner simulator, wired to the same handler
// modules that run on AWS.

import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { coreDeps, installDeps } from '../../lib/adapters/container';
import { createDynamo } from '../../lib/adapters/dynamodb/client';
import { FileSecretVault } from '../../lib/adapters/file-secret-vault';
import { createJwtVerifier } from '../../lib/adapters/jwt-verifier';
import { MqttCommandPublisher } from '../../lib/adapters/mqtt-publisher';
import type { Deps } from '../../lib/app/deps';
import {
  EVENT_WORKFLOW_ASL,
  HTTP_ROUTES,
  SCHEDULED_TASKS,
  SIGNAL_WORKER_ENTRY,
  TELEMETRY_ENTRY,
  WORKFLOW_TASKS,
} from '../manifest';
import { type LocalBroker, startBroker } from './broker';
import { type DynamoLocal, ensureTable, startDynamoLocal } from './dynamodb-local';
import type { SampleMiner } from './fleet/sample-fleet';
import { type Gateway, type Route, startGateway } from './gateway';
import { type LocalIssuer, loadOrCreateSigningKey } from './identity';
import { LocalWorkflowEngine, type TaskHandler } from './local-workflow';
import { type Simulator, startSimulator } from './simulator/simulator';
import { startTelemetryBridge } from './telemetry-bridge';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

export interface StackOptions {
  /** Folder for keys and (unless dynamoEndpoint is given) DynamoDB data. */
  dataDir: string;
  port?: number;
  mqttPort?: number;
  /** Use an already running DynamoDB Local (tests share one JVM). */
  dynamoEndpoint?: string;
  tableName?: string;
  orgId?: string;
  fleet?: SampleMiner[];
  speed?: number;
  telemetryIntervalMs?: number;
  /** Run the miner simulator for the fleet (default true; tests may run their own). */
  simulate?: boolean;
  /** How often the sweep runs; 0 disables the timer (tests call it). */
  sweepIntervalMs?: number;
}

export interface Stack {
  apiUrl: string;
  mqttUrl: string;
  orgId: string;
  deps: Deps;
  issuer: LocalIssuer;
  broker: LocalBroker;
  workflow: LocalWorkflowEngine;
  simulator: Simulator | undefined;
  token(role: 'viewer' | 'operator' | 'admin', orgId?: string): Promise<string>;
  /** Runs the scheduled functions once (detail as an EventBridge event would carry it). */
  sweep(detail?: Record<string, unknown>): Promise<void>;
  drainTelemetry(): Promise<void>;
  stop(): Promise<void>;
}

function scheduledContext(): Context {
  const started = Date.now();
  return { getRemainingTimeInMillis: () => 60_000 - (Date.now() - started) } as Context;
}

async function load<T>(entry: string, name = 'handler'): Promise<T> {
  const module = (await import(join(ROOT, entry))) as Record<string, unknown>;
  return module[name] as T;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const orgId = options.orgId ?? 'demo';
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
  try {
    let dynamo: DynamoLocal | undefined;
    if (!options.dynamoEndpoint) {
      dynamo = await startDynamoLocal({ dataDir: join(options.dataDir, 'dynamodb') });
      const running = dynamo;
      stoppers.push(() => running.stop());
    }
    const endpoint = options.dynamoEndpoint ?? dynamo?.endpoint ?? '';
    const tableName = options.tableName ?? 'curtail-local';
    await ensureTable(endpoint, tableName);

    const broker = await startBroker(
      options.mqttPort !== undefined ? { port: options.mqttPort } : {},
    );
    stoppers.push(() => broker.stop());
    const issuer = await loadOrCreateSigningKey(join(options.dataDir, 'keys'));

    const db = createDynamo({ tableName, endpoint });
    const core = coreDeps(db);
    const publisher = new MqttCommandPublisher(broker.url);
    stoppers.push(() => publisher.close());
    const handlers: Record<string, TaskHandler> = {};
    for (const [placeholder, entry] of Object.entries(WORKFLOW_TASKS)) {
      handlers[placeholder] = await load<TaskHandler>(entry);
    }
    const workflow = new LocalWorkflowEngine({
      aslPath: join(ROOT, EVENT_WORKFLOW_ASL),
      handlers,
      logger: core.logger,
    });
    const signalWorker =
      await load<(event: unknown, context: Context) => Promise<unknown>>(SIGNAL_WORKER_ENTRY);
    const pendingSignals = new Set<Promise<unknown>>();
    const deps: Deps = {
      ...core,
      publisher,
      workflow,
      vault: new FileSecretVault(join(options.dataDir, 'keys', 'secrets.key')),
      // Like an asynchronous Lambda invoke: the caller does not wait for the worker.
      signalQueue: {
        enqueue: async (ref) => {
          const run = signalWorker(ref, scheduledContext()).catch((error: unknown) =>
            core.logger.error('signal worker failed', { error: String(error) }),
          );
          pendingSignals.add(run);
          void run.finally(() => pendingSignals.delete(run));
        },
      },
    };
    installDeps(deps);
    stoppers.push(async () => installDeps(undefined));
    stoppers.push(async () => {
      await Promise.allSettled([...pendingSignals]);
    });
    stoppers.push(async () => workflow.shutdown());

    const ingest =
      await load<(e: Record<string, unknown>, c: Context) => Promise<unknown>>(TELEMETRY_ENTRY);
    const bridge = await startTelemetryBridge(
      broker.url,
      (event) => ingest(event, {} as Context),
      (error) => core.logger.error('telemetry bridge failed', { error: String(error) }),
    );
    stoppers.push(() => bridge.stop());

    const routes: Route[] = [];
    for (const route of HTTP_ROUTES) {
      routes.push({
        ...route,
        name: route.entry,
        handler: await load<Route['handler']>(route.entry),
      });
    }
    const gateway: Gateway = await startGateway({
      port: options.port ?? 0,
      routes,
      verifier: createJwtVerifier(issuer),
      jwks: issuer.jwks,
    });
    stoppers.push(() => gateway.stop());

    if (options.fleet && options.fleet.length > 0) {
      for (let i = 0; i < options.fleet.length; i += 1_000) {
        const batch = options.fleet.slice(i, i + 1_000).map((miner) => miner.inventory);
        await core.fleet.upsertMiners(orgId, batch);
      }
    }
    const simulator =
      options.fleet?.length && options.simulate !== false
        ? await startSimulator({
            mqttUrl: broker.url,
            orgId,
            miners: options.fleet,
            speed: options.speed ?? 1,
            ...(options.telemetryIntervalMs
              ? { telemetryIntervalMs: options.telemetryIntervalMs }
              : {}),
          })
        : undefined;
    if (simulator) stoppers.push(() => simulator.stop());

    const scheduled = await Promise.all(
      Object.values(SCHEDULED_TASKS).map((task) =>
        load<(event: unknown, context: Context) => Promise<unknown>>(task.entry),
      ),
    );
    // Each timer tick runs the scheduled functions as EventBridge would, one run at a time.
    let running: Promise<void> = Promise.resolve();
    const sweep = (detail: Record<string, unknown> = {}) => {
      running = running.then(async () => {
        for (const run of scheduled) {
          const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail };
          await run(event, scheduledContext()).catch((error: unknown) =>
            core.logger.error('scheduled run failed', { error: String(error) }),
          );
        }
      });
      return running;
    };
    // Nothing runs before boot, so every live event without a running execution resumes now.
    await sweep({ resumeGraceMs: 0 });
    if (options.sweepIntervalMs) {
      const timer = setInterval(() => void sweep(), options.sweepIntervalMs);
      stoppers.push(async () => {
        clearInterval(timer);
        await running;
      });
    }

    return {
      apiUrl: gateway.url,
      mqttUrl: broker.url,
      orgId,
      deps,
      issuer,
      broker,
      workflow,
      simulator,
      token: (role, org = orgId) => issuer.sign({ orgId: org, role }),
      sweep,
      drainTelemetry: () => bridge.drain(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
