// OpenADR 3.0/3.1 notifications (VEN side) turned into signal intents. Pure: no I/O, and the
// clock is passed in, so the same body and `now` always give the same answer.

import {
  camelizeKeys,
  fail,
  isRecord,
  type JsonObject,
  looseText,
  optionalString,
  path,
} from './openadr-json';
import { buildPlan, curtailWindow, type Plan } from './openadr-plan';
import { parseDateTime, SENTINEL } from './openadr-time';
import type {
  OpenAdrConfig,
  ParsedNotification,
  PlanInterval,
  SignalIntent,
} from './openadr-types';

export type {
  OpenAdrConfig,
  ParsedNotification,
  PlanInterval,
  PlanMode,
  SignalIntent,
  SignalMode,
  SimpleLevelMapping,
} from './openadr-types';

type Operation = 'create' | 'update' | 'delete' | 'read';

// 3.0 named operations after HTTP verbs, 3.1 after CRUD; DELETE is shared by both.
const OPERATIONS: Record<string, { operation: Operation; version?: '3.0' | '3.1' }> = {
  POST: { operation: 'create', version: '3.0' },
  PUT: { operation: 'update', version: '3.0' },
  GET: { operation: 'read', version: '3.0' },
  CREATE: { operation: 'create', version: '3.1' },
  UPDATE: { operation: 'update', version: '3.1' },
  READ: { operation: 'read', version: '3.1' },
  DELETE: { operation: 'delete' },
};

const MAX_REASON = 256;

/** 3.0 sends targets as valuesMap objects, 3.1 as plain strings; the only hint a DELETE has. */
function guessVersion(body: JsonObject, objects: unknown[]): '3.0' | '3.1' {
  const targetLists = [body.targets, ...objects.map((item) => isRecord(item) && item.targets)];
  const valuesMaps = targetLists.some(
    (list) => Array.isArray(list) && list.some((target) => isRecord(target)),
  );
  return valuesMaps ? '3.0' : '3.1';
}

function instantOf(object: JsonObject, key: string, at: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  const ms = parseDateTime(value, path(at, key));
  return ms === SENTINEL ? undefined : ms;
}

function externalIdOf(object: unknown, at: string): string {
  const id = isRecord(object) ? looseText(object.id) : looseText(object);
  return id ?? fail(isRecord(object) ? path(at, 'id') : at, 'must name the event id');
}

function reasonOf(object: unknown, externalId: string): string {
  const record = isRecord(object) ? object : {};
  const words = [
    'OpenADR',
    looseText(record.programID),
    'event',
    looseText(record.eventName) ?? externalId,
  ];
  return words
    .filter((word) => word !== undefined)
    .join(' ')
    .slice(0, MAX_REASON);
}

function record(plan: Plan | undefined): PlanInterval[] {
  return (plan?.steps ?? []).map((step) => ({
    start: new Date(step.startMs).toISOString(),
    ...(step.endMs === undefined ? {} : { end: new Date(step.endMs).toISOString() }),
    mode: step.mode,
    ...(step.valueKw === undefined ? {} : { valueKw: step.valueKw }),
    ...(step.id === undefined ? {} : { id: step.id }),
    ...(step.randomizeStart === undefined ? {} : { randomizeStart: step.randomizeStart }),
  }));
}

// A cancel carries no set-point; mode is filled with full_stop only because the intent type
// requires one, and start = end = now marks it as taking effect at once.
function cancelIntent(
  base: Pick<SignalIntent, 'externalId' | 'revision' | 'reason'>,
  plan: Plan | undefined,
  nowIso: string,
): SignalIntent {
  const intervals = record(plan);
  return {
    ...base,
    action: 'cancel',
    mode: 'full_stop',
    start: nowIso,
    end: nowIso,
    priority: 'normal',
    intervals,
  };
}

function eventIntent(
  object: unknown,
  at: string,
  operation: Operation,
  config: OpenAdrConfig,
  nowMs: number,
  notes: ParsedNotification['ignored'],
): SignalIntent {
  const nowIso = new Date(nowMs).toISOString();
  if (operation !== 'delete' && !isRecord(object)) fail(at, 'must be the event object');
  const externalId = externalIdOf(object, at);
  const reason = reasonOf(object, externalId);
  const event = isRecord(object) ? object : {};
  const modifiedMs = instantOf(event, 'modificationDateTime', at);
  if (operation === 'delete') {
    // A deletion happened after the last change of the copy it carries; without the +1 it would
    // tie with the update that copy came from, and a tie reads as a duplicate.
    const revision = Math.max(nowMs, modifiedMs === undefined ? nowMs : modifiedMs + 1);
    return cancelIntent({ externalId, revision, reason }, undefined, nowIso);
  }
  const revision = modifiedMs ?? instantOf(event, 'createdDateTime', at) ?? nowMs;
  const plan = buildPlan(event, at, config, nowMs);
  notes.push(...plan.notes);
  const window = curtailWindow(plan, nowMs);
  if (!window) return cancelIntent({ externalId, revision, reason }, plan, nowIso);
  return {
    externalId,
    revision,
    action: operation === 'create' ? 'curtail' : 'update',
    mode: window.mode,
    ...(window.valueKw === undefined ? {} : { valueKw: window.valueKw }),
    start: new Date(window.startMs).toISOString(),
    ...(window.endMs === undefined ? {} : { end: new Date(window.endMs).toISOString() }),
    priority: window.emergency ? 'emergency' : 'normal',
    reason,
    intervals: record(plan),
  };
}

/**
 * One notification in, one intent per event object out. Objects other than EVENT and READ/GET
 * operations are listed in `ignored`; malformed content throws InvalidArgumentError with
 * details.field set to the JSON path.
 */
export function parseNotification(
  body: unknown,
  config: OpenAdrConfig,
  now: Date,
): ParsedNotification {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('parseNotification needs a valid clock');
  if (!isRecord(body)) return fail('$', 'the notification must be a JSON object');
  const notification = 'object_type' in body ? camelizeKeys(body) : body;
  if (!isRecord(notification)) return fail('$', 'the notification must be a JSON object');

  const operationText = optionalString(notification, 'operation', '');
  const known = operationText === undefined ? undefined : OPERATIONS[operationText.toUpperCase()];
  if (!operationText || !known) {
    return fail(
      'operation',
      'must be CREATE, UPDATE or DELETE (3.1), or POST, PUT or DELETE (3.0)',
    );
  }
  const objects = Array.isArray(notification.object) ? notification.object : [notification.object];
  const version = known.version ?? guessVersion(notification, objects);
  const operation = operationText.toUpperCase();

  const first = objects[0];
  const objectType = (
    optionalString(notification, 'objectType', '') ??
    (isRecord(first) ? looseText(first.objectType) : undefined) ??
    fail('objectType', 'is required')
  ).toUpperCase();
  if (objectType !== 'EVENT') {
    const reason = `${objectType} notifications carry no curtailment; only EVENT is acted on`;
    return { version, operation, intents: [], ignored: [{ objectType, reason }] };
  }
  if (known.operation === 'read') {
    const reason = `${operation} reports a read and changes nothing`;
    return { version, operation, intents: [], ignored: [{ objectType, reason }] };
  }
  const ignored: ParsedNotification['ignored'] = [];
  const intents = objects.map((object, index) => {
    const at = objects === notification.object ? path('object', index) : 'object';
    return eventIntent(object, at, known.operation, config, nowMs, ignored);
  });
  return { version, operation, intents, ignored };
}
