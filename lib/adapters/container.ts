// The composition root: builds the use cases' dependencies from the environment on AWS, or
// takes the ones the embedded stack or a test installed.

import type { Deps } from '../app/deps';
import { readConfig } from '../config';
import { systemClock } from '../ports/clock';
import { DynamoAuditLog } from './dynamodb/audit-log';
import { createDynamo } from './dynamodb/client';
import { DynamoEventStore } from './dynamodb/event-store';
import { DynamoFleetStore } from './dynamodb/fleet-store';
import { DynamoHeartbeatStore } from './dynamodb/heartbeat-store';
import { DynamoSettingsStore } from './dynamodb/settings-store';
import { DynamoSignalStore } from './dynamodb/signal-store';
import { systemIds } from './ids';
import { IotCommandPublisher } from './iot-publisher';
import { LambdaSignalQueue } from './lambda-signal-queue';
import { MqttCommandPublisher } from './mqtt-publisher';
import { powertoolsLogger, powertoolsMetrics } from './observability';
import { SecretsManagerVault } from './secrets-manager-vault';
import { SfnWorkflowEngine } from './sfn-workflow';

let installed: Deps | undefined;

export function installDeps(deps: Deps | undefined): void {
  installed = deps;
}

export function deps(): Deps {
  installed ??= fromEnvironment();
  return installed;
}

/** The stores and helpers shared by every transport, for a given table. */
export function coreDeps(db: ReturnType<typeof createDynamo>) {
  return {
    events: new DynamoEventStore(db),
    fleet: new DynamoFleetStore(db),
    settings: new DynamoSettingsStore(db),
    audit: new DynamoAuditLog(db),
    heartbeat: new DynamoHeartbeatStore(db),
    signals: new DynamoSignalStore(db),
    clock: systemClock,
    ids: systemIds,
    metrics: powertoolsMetrics,
    logger: powertoolsLogger,
  };
}

function fromEnvironment(): Deps {
  const config = readConfig();
  const db = createDynamo({
    tableName: config.TABLE_NAME,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    ...(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
  });
  const publisher =
    config.COMMAND_TRANSPORT === 'iot'
      ? new IotCommandPublisher(config.IOT_DATA_ENDPOINT ?? '')
      : new MqttCommandPublisher(config.MQTT_URL ?? '');
  if (!config.STATE_MACHINE_ARN)
    throw new Error('invalid configuration: STATE_MACHINE_ARN missing');
  return {
    ...coreDeps(db),
    publisher,
    workflow: new SfnWorkflowEngine(config.STATE_MACHINE_ARN),
    vault: new SecretsManagerVault(config.SECRETS_PREFIX ?? 'curtail/sources'),
    signalQueue: new LambdaSignalQueue(config.SIGNAL_WORKER_FUNCTION ?? 'curtail-signal-worker'),
  };
}
