// OpenADR payloads → curtailment: caps and setpoints, units, SIMPLE levels through the source's
// mapping, emergency alerts, the strongest obligation winning, and refusals that name the field.

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../lib/domain/errors';
import { type OpenAdrConfig, parseNotification, type SignalIntent } from '../../lib/domain/openadr';

const NOW = new Date('2026-06-12T13:59:00.000Z');
const CONFIG: OpenAdrConfig = {
  simpleLevels: {
    '0': { mode: 'none' },
    '1': { mode: 'reduce_by_kw', valueKw: 500 },
    '2': { mode: 'site_cap_kw', valueKw: 3000 },
    '3': { mode: 'full_stop' },
  },
};
const PERIOD = { start: '2026-06-12T14:00:00Z', duration: 'PT4H' };

function parse(event: Record<string, unknown>, config: OpenAdrConfig = CONFIG) {
  const object = { id: 'evt-1', programID: '44', intervalPeriod: PERIOD, ...event };
  return parseNotification({ objectType: 'EVENT', operation: 'CREATE', object }, config, NOW);
}

function intentFor(payloads: unknown[], extra: Record<string, unknown> = {}): SignalIntent {
  const [intent] = parse({ intervals: [{ id: 0, payloads }], ...extra }).intents;
  if (!intent) throw new Error('no intent');
  return intent;
}

function refusal(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const descriptor = (payloadType: string, units?: string) => ({
  payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType, units }],
});

describe('power payloads', () => {
  it.each(['IMPORT_CAPACITY_LIMIT', 'DISPATCH_SETPOINT'])('%s → site cap in kW', (type) => {
    const intent = intentFor([{ type, values: [12500] }]);
    expect(intent).toMatchObject({ mode: 'site_cap_kw', valueKw: 12500, priority: 'normal' });
  });

  it.each([
    ['KW', 12500, 12500],
    ['kW', 12500, 12500],
    ['W', 12_500_000, 12500],
    ['MW', 12.5, 12500],
    [undefined, 12500, 12500],
  ])('converts units %s', (units, value, kw) => {
    const intent = intentFor(
      [{ type: 'IMPORT_CAPACITY_LIMIT', values: [value] }],
      descriptor('IMPORT_CAPACITY_LIMIT', units),
    );
    expect(intent.valueKw).toBe(kw);
  });

  it('refuses a unit that is not power, naming the descriptor', () => {
    const error = refusal(() =>
      intentFor(
        [{ type: 'DISPATCH_SETPOINT', values: [1] }],
        descriptor('DISPATCH_SETPOINT', 'KWH'),
      ),
    );
    expect(error.reason).toBe('unsupported_openadr_payload');
    expect(error.details).toMatchObject({ field: 'object.payloadDescriptors[0].units' });
  });

  it('ignores units declared for payload types that are not power', () => {
    const intent = intentFor(
      [{ type: 'IMPORT_CAPACITY_LIMIT', values: [7] }],
      descriptor('PRICE', 'KWH'),
    );
    expect(intent.valueKw).toBe(7);
  });

  it.each([[-1], ['12500'], [null], [Number.NaN]])('refuses the value %j', (value) => {
    const error = refusal(() => intentFor([{ type: 'IMPORT_CAPACITY_LIMIT', values: [value] }]));
    expect(error.details).toEqual({ field: 'object.intervals[0].payloads[0].values[0]' });
  });
});

describe('SIMPLE levels', () => {
  it.each([
    [1, { mode: 'reduce_by_kw', valueKw: 500 }],
    [2, { mode: 'site_cap_kw', valueKw: 3000 }],
    [3, { mode: 'full_stop' }],
  ])('level %i maps through the configuration', (level, expected) => {
    const intent = intentFor([{ type: 'SIMPLE', values: [level] }]);
    expect(intent).toMatchObject({ action: 'curtail', ...expected });
  });

  it('level 0 mapped to none leaves nothing to do → cancel', () => {
    const intent = intentFor([{ type: 'SIMPLE', values: [0] }]);
    expect(intent.action).toBe('cancel');
    expect(intent.intervals[0]?.mode).toBe('none');
  });

  it('refuses a level without a mapping, naming the value', () => {
    const config: OpenAdrConfig = { simpleLevels: { '1': { mode: 'full_stop' } } };
    const error = refusal(() =>
      parse({ intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [2] }] }] }, config),
    );
    expect(error.reason).toBe('unsupported_openadr_payload');
    expect(error.details).toEqual({
      field: 'object.intervals[0].payloads[0].values[0]',
      payloadType: 'SIMPLE',
      level: 2,
    });
    expect(error.message).toContain('SIMPLE level 2');
  });

  it.each([[4], [-1], [1.5], ['1']])('refuses the level %j', (level) => {
    const error = refusal(() => intentFor([{ type: 'SIMPLE', values: [level] }]));
    expect(error.reason).toBe('invalid_openadr_notification');
    expect(error.details?.field).toBe('object.intervals[0].payloads[0].values[0]');
  });

  it('refuses a configured reduction without a kW value', () => {
    const config = { simpleLevels: { '1': { mode: 'reduce_by_kw' } } } as OpenAdrConfig;
    const error = refusal(() =>
      parse({ intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] }, config),
    );
    expect(error.reason).toBe('invalid_openadr_config');
    expect(error.details?.field).toBe('simpleLevels.1');
  });
});

describe('alerts', () => {
  it.each(['ALERT_GRID_EMERGENCY', 'ALERT_BLACK_START'])('%s → full stop, emergency', (type) => {
    const intent = intentFor([{ type, values: ['EEA2 declared'] }]);
    expect(intent).toMatchObject({ mode: 'full_stop', priority: 'emergency' });
    expect(intent.valueKw).toBeUndefined();
  });

  it('informational alerts are recorded in ignored and demand nothing', () => {
    const parsed = parse({
      intervals: [{ id: 0, payloads: [{ type: 'ALERT_FIRE', values: ['red flag'] }] }],
    });
    expect(parsed.intents[0]?.action).toBe('cancel');
    expect(parsed.ignored).toEqual([
      { objectType: 'ALERT_FIRE', reason: expect.stringContaining('intervals[0].payloads[0]') },
    ]);
  });
});

describe('several payloads and intervals', () => {
  it('the strongest payload of an interval wins (full stop > cap > reduce)', () => {
    const intent = intentFor([
      { type: 'SIMPLE', values: [1] },
      { type: 'IMPORT_CAPACITY_LIMIT', values: [9000] },
      { type: 'ALERT_GRID_EMERGENCY', values: ['x'] },
    ]);
    expect(intent).toMatchObject({ mode: 'full_stop', priority: 'emergency' });
    expect(intent.intervals[0]).toEqual({
      id: 0,
      start: '2026-06-12T14:00:00.000Z',
      end: '2026-06-12T18:00:00.000Z',
      mode: 'full_stop',
    });
  });

  it('between two caps the lower one wins', () => {
    const intent = intentFor([
      { type: 'IMPORT_CAPACITY_LIMIT', values: [9000] },
      { type: 'DISPATCH_SETPOINT', values: [7000] },
      { type: 'SIMPLE', values: [1] },
    ]);
    expect(intent).toMatchObject({ mode: 'site_cap_kw', valueKw: 7000 });
  });

  it('splits packed values into equal sub-intervals', () => {
    const intent = intentFor([{ type: 'IMPORT_CAPACITY_LIMIT', values: [9000, 8000, 0, 7000] }]);
    expect(intent.intervals.map((step) => [step.start.slice(11, 16), step.valueKw])).toEqual([
      ['14:00', 9000],
      ['15:00', 8000],
      ['16:00', 0],
      ['17:00', 7000],
    ]);
    expect(intent.valueKw).toBe(0);
  });

  it('refuses packed payloads that disagree on the number of sub-intervals', () => {
    const error = refusal(() =>
      intentFor([
        { type: 'IMPORT_CAPACITY_LIMIT', values: [1, 2, 3] },
        { type: 'SIMPLE', values: [1, 2] },
      ]),
    );
    expect(error.details?.field).toBe('object.intervals[0].payloads[1].values');
  });

  it('an interval without payloads asks for nothing', () => {
    expect(intentFor([]).action).toBe('cancel');
  });
});

describe('unknown payload types', () => {
  it.each(['PRICE', 'EXPORT_CAPACITY_LIMIT', 'CONTROL_SETPOINT', 'x-private-signal'])(
    'refuses %s with the list of supported types',
    (type) => {
      const error = refusal(() => intentFor([{ type, values: [1] }]));
      expect(error.reason).toBe('unsupported_openadr_payload');
      expect(error.details).toEqual({
        field: 'object.intervals[0].payloads[0].type',
        payloadType: type,
      });
      expect(error.message).toContain('IMPORT_CAPACITY_LIMIT, DISPATCH_SETPOINT, SIMPLE');
    },
  );

  it('refuses an unknown type even next to a supported one (nothing half-applied)', () => {
    const error = refusal(() =>
      intentFor([
        { type: 'IMPORT_CAPACITY_LIMIT', values: [1] },
        { type: 'LOAD_DISPATCH', values: [1] },
      ]),
    );
    expect(error.details?.field).toBe('object.intervals[0].payloads[1].type');
  });

  it.each([
    [[{ values: [1] }], 'object.intervals[0].payloads[0].type'],
    [[{ type: 'SIMPLE' }], 'object.intervals[0].payloads[0].values'],
    [[{ type: 'SIMPLE', values: 1 }], 'object.intervals[0].payloads[0].values'],
    [['SIMPLE'], 'object.intervals[0].payloads[0]'],
  ])('refuses the malformed payload %j', (payloads, field) => {
    expect(refusal(() => intentFor(payloads)).details?.field).toBe(field);
  });
});
