// Mapping between events, targets and their DynamoDB items, and the update expressions
// that keep the index keys in step with the state.

import type { CurtailmentEvent, StoredEventState, Target } from '../../domain/event';
import { isTerminal } from '../../domain/event';
import type { StoredEvent } from '../../ports/event-store';
import { keys } from './keys';

const EVENT_KEY_ATTRS = new Set([
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'kind',
]);
const TARGET_KEY_ATTRS = new Set(['pk', 'sk', 'orgId', 'eventId', 'kind']);

export function eventItem(event: CurtailmentEvent): Record<string, unknown> {
  return {
    ...keys.event(event.orgId, event.eventId),
    kind: 'event',
    ...event,
    ...indexKeys(event.orgId, event.eventId, event.state),
  };
}

/** The index keys an event carries in a given state. */
export function indexKeys(orgId: string, eventId: string, state: StoredEventState) {
  return {
    gsi2pk: keys.statePk(orgId, state),
    gsi2sk: eventId,
    // History shows an event once its miners are claimed.
    ...(state === 'claiming' ? {} : { gsi1pk: keys.historyPk(orgId), gsi1sk: eventId }),
    // The sweep's cross-organization index holds every event that may still need work.
    ...(isTerminal(state) ? {} : { gsi3pk: keys.livePk(eventId), gsi3sk: `${orgId}#${eventId}` }),
  };
}

export function toStoredEvent(item: Record<string, unknown>): StoredEvent {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (!EVENT_KEY_ATTRS.has(key)) out[key] = value;
  }
  return out as unknown as StoredEvent;
}

export function targetItem(orgId: string, eventId: string, target: Target) {
  return {
    ...keys.target(orgId, eventId, target.minerId),
    kind: 'target',
    orgId,
    eventId,
    ...target,
  };
}

export function toTarget(item: Record<string, unknown>): Target {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (!TARGET_KEY_ATTRS.has(key)) out[key] = value;
  }
  return out as unknown as Target;
}

/** Builds `SET a = :a, ...` and `REMOVE ...` clauses from a patch object. */
export function updateClauses(
  fields: Record<string, unknown>,
  prefix: string,
): {
  set: string[];
  remove: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let i = 0;
  for (const [field, value] of Object.entries(fields)) {
    const name = `#${prefix}${i}`;
    names[name] = field;
    if (value === undefined) {
      remove.push(name);
    } else {
      const placeholder = `:${prefix}${i}`;
      values[placeholder] = value;
      set.push(`${name} = ${placeholder}`);
    }
    i++;
  }
  return { set, remove, names, values };
}
