// Every deployable entry point, derived from infra/manifest.ts: one Lambda per entry, whatever
// triggers it (HTTP routes, workflow tasks, the telemetry rule, schedules, async invokes).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as manifest from '../manifest';
import { REPO_ROOT } from './config';

export type EntryKind = 'http' | 'workflow' | 'telemetry' | 'scheduled' | 'worker';

export interface Entry {
  /** Path from the repository root, e.g. `functions/http/start-event.ts`. */
  entry: string;
  kind: EntryKind;
  /** Used in function and alarm names: the entry without `functions/` and `.ts`. */
  slug: string;
  /** HTTP only: an entry without a JWT authenticates in the handler (signal sources). */
  publicRoute?: boolean;
  /** HTTP only: true when every route of the entry is a GET. */
  readOnlyRoute?: boolean;
}

export interface ScheduledTask {
  name: string;
  entry: string;
  schedule: string;
}

/** Used until the manifest lists its schedules: the design's one-minute sweep and watchdog. */
const FALLBACK_SCHEDULES: ScheduledTask[] = [
  { name: 'sweep', entry: 'functions/scheduled/sweep.ts', schedule: 'rate(1 minute)' },
  { name: 'watchdog', entry: 'functions/scheduled/watchdog.ts', schedule: 'rate(1 minute)' },
];

function isTask(value: unknown): value is { entry: string; schedule: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { entry, schedule } = value as Record<string, unknown>;
  return typeof entry === 'string' && typeof schedule === 'string';
}

/** The manifest's SCHEDULED_TASKS when it exports them, else the fallback entries that exist. */
export function scheduledTasks(): ScheduledTask[] {
  const listed: unknown = (manifest as Record<string, unknown>).SCHEDULED_TASKS;
  if (listed === undefined) {
    return FALLBACK_SCHEDULES.filter((task) => existsSync(join(REPO_ROOT, task.entry)));
  }
  if (typeof listed !== 'object' || listed === null) throw new Error('bad SCHEDULED_TASKS');
  return Object.entries(listed).map(([name, task]) => {
    if (!isTask(task)) throw new Error(`SCHEDULED_TASKS.${name} needs entry and schedule`);
    return { name, entry: task.entry, schedule: task.schedule };
  });
}

/** The signal worker's entry, when the manifest has one (invoked asynchronously). */
export function signalWorkerEntry(): string | undefined {
  const entry: unknown = (manifest as Record<string, unknown>).SIGNAL_WORKER_ENTRY;
  if (entry === undefined) return undefined;
  if (typeof entry !== 'string') throw new Error('SIGNAL_WORKER_ENTRY must be a path');
  return entry;
}

export function slugOf(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
}

export function deployableEntries(): Entry[] {
  const entries = new Map<string, Entry>();
  const add = (entry: string, kind: EntryKind) => {
    const known = entries.get(entry);
    if (known && known.kind !== kind) throw new Error(`${entry} is both ${known.kind} and ${kind}`);
    if (!known) entries.set(entry, { entry, kind, slug: slugOf(entry) });
  };
  for (const route of manifest.HTTP_ROUTES) add(route.entry, 'http');
  for (const entry of Object.values(manifest.WORKFLOW_TASKS)) add(entry, 'workflow');
  add(manifest.TELEMETRY_ENTRY, 'telemetry');
  for (const task of scheduledTasks()) add(task.entry, 'scheduled');
  const worker = signalWorkerEntry();
  if (worker) add(worker, 'worker');
  for (const item of entries.values()) {
    if (item.kind !== 'http') continue;
    const routes = manifest.HTTP_ROUTES.filter((route) => route.entry === item.entry);
    item.publicRoute = routes.some((route) => !route.auth);
    item.readOnlyRoute = routes.every((route) => route.method === 'GET');
  }
  return [...entries.values()];
}
