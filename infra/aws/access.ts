// What each entry point may touch. Known entries are listed from what their use cases call
// (see lib/app); an entry added to the manifest later gets the default of its kind until it
// is listed here, so a new handler deploys without silently gaining more than its peers.

import type { Entry } from './entries';

export type WorkflowAction = 'start' | 'wake' | 'stop' | 'describe';
/** read: GetSecretValue; write: CreateSecret and PutSecretValue (lib/adapters/secrets-manager-vault). */
export type SecretAction = 'read' | 'write';

export interface Access {
  /** none: never touches the table; read: Get/BatchGet/Query; write: read plus writes. */
  table: 'none' | 'read' | 'write';
  workflow: WorkflowAction[];
  /** iot:Publish on miner command topics. */
  publish: boolean;
  /** On the signal-source secrets of this stage (`curtail/{stage}/sources/*`). */
  secrets: SecretAction[];
  /** lambda:InvokeFunction on the signal worker (asynchronous hand-off). */
  invokeWorker: boolean;
}

const access = (table: Access['table'], more: Partial<Omit<Access, 'table'>> = {}): Access => ({
  table,
  workflow: more.workflow ?? [],
  publish: more.publish ?? false,
  secrets: more.secrets ?? [],
  invokeWorker: more.invokeWorker ?? false,
});

/** Applying a signal starts, updates, stops or force-releases events like the API does. */
const EVENT_CONTROL: WorkflowAction[] = ['start', 'wake', 'stop'];
const ALL_WORKFLOW: WorkflowAction[] = ['start', 'wake', 'stop', 'describe'];

/** Derived from the use cases each handler calls; keep in step with lib/app. */
export const KNOWN_ACCESS: Record<string, Access> = {
  'functions/http/preview.ts': access('read'),
  'functions/http/start-event.ts': access('write', { workflow: ['start'] }),
  'functions/http/list-active.ts': access('read'),
  'functions/http/get-event.ts': access('read'),
  'functions/http/stop-event.ts': access('write', { workflow: ['wake'] }),
  'functions/http/list-events.ts': access('read'),
  'functions/http/update-event.ts': access('write', { workflow: ['wake'] }),
  'functions/http/admin-terminate.ts': access('write', { workflow: ['stop'] }),
  'functions/http/force-release.ts': access('write', { workflow: ['stop'] }),
  'functions/http/list-audit.ts': access('read'),
  'functions/http/get-settings.ts': access('read'),
  'functions/http/put-settings.ts': access('write'),
  'functions/http/health.ts': access('read'),
  'functions/http/openapi.ts': access('none'),
  'functions/http/create-source.ts': access('write', { secrets: ['write'] }),
  'functions/http/list-sources.ts': access('read'),
  'functions/http/rotate-source-secret.ts': access('write', { secrets: ['read', 'write'] }),
  'functions/http/disable-source.ts': access('write'),
  'functions/http/receive-signal.ts': access('write', { secrets: ['read'], invokeWorker: true }),
  'functions/http/openadr-callback.ts': access('write', { secrets: ['read'], invokeWorker: true }),
  'functions/http/upsert-miners.ts': access('write'),
  'functions/http/list-miners.ts': access('read'),
  'functions/workflow/route.ts': access('write', { workflow: ['describe'] }),
  'functions/workflow/curtail-tick.ts': access('write', { publish: true }),
  'functions/workflow/restore-tick.ts': access('write', { publish: true }),
  'functions/workflow/park.ts': access('write', { workflow: ['wake'] }),
  'functions/telemetry/ingest.ts': access('write'),
  'functions/signals/worker.ts': access('write', { workflow: EVENT_CONTROL }),
  'functions/scheduled/sweep.ts': access('write', {
    workflow: ALL_WORKFLOW,
    publish: true,
    invokeWorker: true,
  }),
  'functions/scheduled/watchdog.ts': access('read'),
};

/** The default for an entry not listed above, by what triggers it. */
export function defaultAccess(entry: Entry): Access {
  switch (entry.kind) {
    case 'http':
      if (entry.publicRoute) return access('write', { secrets: ['read'], invokeWorker: true });
      return entry.readOnlyRoute ? access('read') : access('write', { workflow: ALL_WORKFLOW });
    case 'workflow':
      return access('write', { workflow: ['wake', 'describe'], publish: true });
    case 'telemetry':
      return access('write');
    case 'worker':
      return access('write', { workflow: EVENT_CONTROL });
    case 'scheduled':
      return access('write', { workflow: ALL_WORKFLOW, publish: true, invokeWorker: true });
  }
}

export function accessFor(entry: Entry, workerDeployed: boolean): Access {
  const chosen = KNOWN_ACCESS[entry.entry] ?? defaultAccess(entry);
  const secrets = new Set(chosen.secrets);
  // A route without a JWT authenticates callers with the per-source secret, whatever it does.
  if (entry.publicRoute) secrets.add('read');
  return { ...chosen, secrets: [...secrets], invokeWorker: chosen.invokeWorker && workerDeployed };
}
