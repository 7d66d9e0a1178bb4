// Everything a use case may touch, injected so the same use cases run on AWS, in the
// embedded stack and under test.

import type { AuditLog } from '../ports/audit-log';
import type { Clock, Ids } from '../ports/clock';
import type { EventStore } from '../ports/event-store';
import type { FleetStore } from '../ports/fleet-store';
import type { HeartbeatStore } from '../ports/heartbeat';
import type { Logger, Metrics } from '../ports/observability';
import type { CommandPublisher } from '../ports/publisher';
import type { SettingsStore } from '../ports/settings-store';
import type { SecretVault, SignalQueue, SignalStore } from '../ports/signal-store';
import type { WorkflowEngine } from '../ports/workflow';

export interface Deps {
  events: EventStore;
  audit: AuditLog;
  fleet: FleetStore;
  settings: SettingsStore;
  heartbeat: HeartbeatStore;
  signals: SignalStore;
  vault: SecretVault;
  signalQueue: SignalQueue;
  publisher: CommandPublisher;
  workflow: WorkflowEngine;
  clock: Clock;
  ids: Ids;
  metrics: Metrics;
  logger: Logger;
}

/** Who is calling, from the verified token. */
export interface Caller {
  orgId: string;
  role: 'viewer' | 'operator' | 'admin';
  actor: { type: 'user' | 'scheduler' | 'api_key'; id: string };
}
