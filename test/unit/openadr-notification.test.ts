// OpenADR notification envelopes: 3.0 (POST/PUT/DELETE) and 3.1 (CREATE/UPDATE/DELETE), objects
// we ignore, cancellation by DELETE or by a window moved into the past, and revision ordering.

import { describe, expect, it } from 'vitest';
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

const CAP_INTENT = {
  externalId: 'evt-42',
  revision: Date.parse('2026-06-12T13:58:00Z'),
  mode: 'site_cap_kw',
  valueKw: 12500,
  start: '2026-06-12T14:00:00.000Z',
  end: '2026-06-12T14:30:00.000Z',
  priority: 'normal',
  reason: 'OpenADR prog-ercot-lr event evt-42',
  intervals: [
    {
      id: 0,
      start: '2026-06-12T14:00:00.000Z',
      end: '2026-06-12T14:30:00.000Z',
      mode: 'site_cap_kw',
      valueKw: 12500,
    },
  ],
};

describe('3.1 notifications', () => {
  it('CREATE → curtail, shaped like the reference example', () => {
    const body = {
      objectType: 'EVENT',
      operation: 'CREATE',
      object: capEvent(),
      targets: ['site-west-tx'],
    };
    const parsed = parseNotification(body, CONFIG, NOW);
    expect(parsed).toEqual({
      version: '3.1',
      operation: 'CREATE',
      intents: [{ ...CAP_INTENT, action: 'curtail' }],
      ignored: [],
    });
  });

  it('UPDATE → update with the new plan and revision', () => {
    const object = capEvent({
      modificationDateTime: '2026-06-12T14:05:10Z',
      intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT15M' },
    });
    const intent = only({ objectType: 'EVENT', operation: 'UPDATE', object });
    expect(intent.action).toBe('update');
    expect(intent.end).toBe('2026-06-12T14:15:00.000Z');
    expect(intent.revision).toBe(Date.parse('2026-06-12T14:05:10Z'));
  });

  it('DELETE with only the id → cancel, version 3.1, revision = now', () => {
    const body = {
      objectType: 'EVENT',
      operation: 'DELETE',
      object: { id: 'evt-42', objectType: 'EVENT', programID: 'prog-ercot-lr' },
    };
    const parsed = parseNotification(body, CONFIG, NOW);
    expect(parsed.version).toBe('3.1');
    expect(parsed.intents).toEqual([
      {
        externalId: 'evt-42',
        revision: NOW.getTime(),
        action: 'cancel',
        mode: 'full_stop',
        start: NOW.toISOString(),
        end: NOW.toISOString(),
        priority: 'normal',
        reason: 'OpenADR prog-ercot-lr event evt-42',
        intervals: [],
      },
    ]);
  });

  it('DELETE where object is the bare id string', () => {
    const intent = only({ objectType: 'EVENT', operation: 'DELETE', object: 'evt-42' });
    expect(intent).toMatchObject({ externalId: 'evt-42', action: 'cancel' });
    expect(intent.reason).toBe('OpenADR event evt-42');
  });

  it('cancel-by-update: start 0001-01-01 with PT0S and no intervals → cancel', () => {
    const object = {
      id: 'evt-42',
      programID: '44',
      modificationDateTime: '2026-06-12T14:05:10Z',
      intervalPeriod: { start: '0001-01-01', duration: 'PT0S' },
      intervals: [],
    };
    const intent = only({ objectType: 'EVENT', operation: 'UPDATE', object });
    expect(intent).toMatchObject({
      action: 'cancel',
      revision: Date.parse('2026-06-12T14:05:10Z'),
    });
  });

  it('a window moved entirely into the past → cancel, keeping the plan for the record', () => {
    const object = capEvent({
      intervalPeriod: { start: '2026-06-12T12:00:00Z', duration: 'PT1H' },
    });
    const intent = only({ objectType: 'EVENT', operation: 'UPDATE', object });
    expect(intent.action).toBe('cancel');
    expect(intent.intervals).toEqual([
      {
        id: 0,
        start: '2026-06-12T12:00:00.000Z',
        end: '2026-06-12T13:00:00.000Z',
        mode: 'site_cap_kw',
        valueKw: 12500,
      },
    ]);
  });

  it('a window ending exactly now is over', () => {
    const object = capEvent({
      intervalPeriod: { start: '2026-06-12T13:00:00Z', duration: 'PT59M' },
    });
    expect(only({ objectType: 'EVENT', operation: 'CREATE', object }).action).toBe('cancel');
  });
});

describe('3.0 notifications', () => {
  it('POST → curtail, version 3.0', () => {
    const body = {
      objectType: 'EVENT',
      operation: 'POST',
      object: capEvent({ targets: [{ type: 'GROUP', values: ['fleet-a'] }] }),
    };
    const parsed = parseNotification(body, CONFIG, NOW);
    expect(parsed.version).toBe('3.0');
    expect(parsed.intents).toEqual([{ ...CAP_INTENT, action: 'curtail' }]);
  });

  it('PUT → update', () => {
    const parsed = parseNotification(
      { objectType: 'EVENT', operation: 'PUT', object: capEvent() },
      CONFIG,
      NOW,
    );
    expect(parsed.version).toBe('3.0');
    expect(parsed.intents[0]?.action).toBe('update');
  });

  it('DELETE with valuesMap targets is recognised as 3.0', () => {
    const body = {
      objectType: 'EVENT',
      operation: 'DELETE',
      object: capEvent({ targets: [{ type: 'GROUP', values: ['fleet-a'] }] }),
    };
    const parsed = parseNotification(body, CONFIG, NOW);
    expect(parsed.version).toBe('3.0');
    expect(parsed.intents[0]?.action).toBe('cancel');
  });

  it('accepts lower-case operations', () => {
    expect(only({ objectType: 'EVENT', operation: 'post', object: capEvent() }).action).toBe(
      'curtail',
    );
  });
});

describe('ignored notifications', () => {
  it.each(['SUBSCRIPTION', 'PROGRAM', 'REPORT', 'VEN'])('%s objects are ignored', (type) => {
    const parsed = parseNotification(
      { objectType: type, operation: 'CREATE', object: { id: 'x' } },
      CONFIG,
      NOW,
    );
    expect(parsed.intents).toEqual([]);
    expect(parsed.ignored).toHaveLength(1);
    expect(parsed.ignored[0]?.objectType).toBe(type);
  });

  it.each(['READ', 'GET'])('%s is ignored', (operation) => {
    const parsed = parseNotification(
      { objectType: 'EVENT', operation, object: capEvent() },
      CONFIG,
      NOW,
    );
    expect(parsed.intents).toEqual([]);
    expect(parsed.ignored).toEqual([{ objectType: 'EVENT', reason: expect.any(String) }]);
  });

  it('takes objectType from the object when the envelope leaves it out', () => {
    expect(only({ operation: 'CREATE', object: capEvent() }).action).toBe('curtail');
  });
});
