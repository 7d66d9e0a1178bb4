// OpenADR revisions (modificationDateTime ordering, DELETE outranking the copy it carries) and
// envelope variants: snake_case, lists of events, and malformed envelopes naming the field.

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../lib/domain/errors';
import { type OpenAdrConfig, parseNotification, type SignalIntent } from '../../lib/domain/openadr';

const NOW = new Date('2026-06-12T13:59:00.000Z');
const CONFIG: OpenAdrConfig = {
  simpleLevels: { '0': { mode: 'none' }, '1': { mode: 'reduce_by_kw', valueKw: 500 } },
};

function capEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt-42',
    objectType: 'EVENT',
    programID: 'prog-ercot-lr',
    createdDateTime: '2026-06-12T13:58:00Z',
    modificationDateTime: '2026-06-12T13:58:00Z',
    priority: 0,
    payloadDescriptors: [
      { objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' },
    ],
    intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT30M' },
    intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [12500.0] }] }],
    ...overrides,
  };
}

function only(body: unknown): SignalIntent {
  const parsed = parseNotification(body, CONFIG, NOW);
  expect(parsed.intents).toHaveLength(1);
  const [intent] = parsed.intents;
  if (!intent) throw new Error('no intent');
  return intent;
}

function rejection(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('revision', () => {
  it('orders an older UPDATE below a newer one', () => {
    const older = only({
      objectType: 'EVENT',
      operation: 'UPDATE',
      object: capEvent({ modificationDateTime: '2026-06-12T14:01:00Z' }),
    });
    const newer = only({
      objectType: 'EVENT',
      operation: 'UPDATE',
      object: capEvent({ modificationDateTime: '2026-06-12T14:01:00.250+00:00' }),
    });
    expect(newer.revision).toBeGreaterThan(older.revision);
    expect(newer.revision - older.revision).toBe(250);
  });

  it('falls back to createdDateTime, then to now', () => {
    const created = only({
      objectType: 'EVENT',
      operation: 'CREATE',
      object: capEvent({ modificationDateTime: undefined }),
    });
    expect(created.revision).toBe(Date.parse('2026-06-12T13:58:00Z'));
    const bare = only({
      objectType: 'EVENT',
      operation: 'CREATE',
      object: capEvent({ modificationDateTime: null, createdDateTime: undefined }),
    });
    expect(bare.revision).toBe(NOW.getTime());
  });

  it('a DELETE carrying the unchanged event still outranks the update it came from', () => {
    const future = '2026-06-12T15:00:00Z'; // a VTN clock ahead of ours
    const update = only({
      objectType: 'EVENT',
      operation: 'UPDATE',
      object: capEvent({ modificationDateTime: future }),
    });
    const deleted = only({
      objectType: 'EVENT',
      operation: 'DELETE',
      object: capEvent({ modificationDateTime: future }),
    });
    expect(deleted.revision).toBeGreaterThan(update.revision);
  });

  it('refuses a malformed modificationDateTime naming the field', () => {
    const error = rejection(() =>
      parseNotification(
        {
          objectType: 'EVENT',
          operation: 'UPDATE',
          object: capEvent({ modificationDateTime: 'yesterday' }),
        },
        CONFIG,
        NOW,
      ),
    );
    expect(error.reason).toBe('invalid_openadr_notification');
    expect(error.details).toEqual({ field: 'object.modificationDateTime' });
  });
});

describe('envelope variants and errors', () => {
  it('reads snake_case notifications (reference implementation over MQTT)', () => {
    const intent = only({
      object_type: 'EVENT',
      operation: 'CREATE',
      object: {
        id: 'evt-7',
        program_id: 'prog-1',
        event_name: 'shed',
        modification_date_time: '2026-06-12T13:58:00Z',
        interval_period: { start: '2026-06-12T14:00:00Z', duration: 'PT1H' },
        intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }],
      },
    });
    expect(intent).toMatchObject({
      externalId: 'evt-7',
      reason: 'OpenADR prog-1 event shed',
      mode: 'reduce_by_kw',
      valueKw: 500,
      end: '2026-06-12T15:00:00.000Z',
    });
  });

  it('gives one intent per event when object is a list', () => {
    const parsed = parseNotification(
      {
        objectType: 'EVENT',
        operation: 'CREATE',
        object: [capEvent(), capEvent({ id: 'evt-43' })],
      },
      CONFIG,
      NOW,
    );
    expect(parsed.intents.map((intent) => intent.externalId)).toEqual(['evt-42', 'evt-43']);
  });

  it.each([
    [null, '$'],
    [[], '$'],
    ['CREATE', '$'],
    [{ objectType: 'EVENT', object: {} }, 'operation'],
    [{ objectType: 'EVENT', operation: 'PATCH', object: {} }, 'operation'],
    [{ operation: 'CREATE', object: {} }, 'objectType'],
    [{ objectType: 'EVENT', operation: 'CREATE' }, 'object'],
    [{ objectType: 'EVENT', operation: 'CREATE', object: { programID: 'p' } }, 'object.id'],
    [{ objectType: 'EVENT', operation: 'DELETE', object: {} }, 'object.id'],
    [{ objectType: 'EVENT', operation: 'CREATE', object: [{ id: 'a' }, 7] }, 'object[1]'],
  ])('refuses %j naming %s', (body, field) => {
    const error = rejection(() => parseNotification(body, CONFIG, NOW));
    expect(error.reason).toBe('invalid_openadr_notification');
    expect(error.details?.field).toBe(field);
  });
});
