// OpenADR event timing: event defaults and interval overrides, back-to-back intervals, the
// 0001-01-01 "now" sentinel, open-ended durations, event.duration, and malformed values.

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../lib/domain/errors';
import { type OpenAdrConfig, parseNotification, type SignalIntent } from '../../lib/domain/openadr';

const NOW = new Date('2026-06-12T13:59:00.000Z');
const CONFIG: OpenAdrConfig = {
  simpleLevels: { '0': { mode: 'none' }, '3': { mode: 'full_stop' } },
};
const CAP = (kw: number) => [{ type: 'IMPORT_CAPACITY_LIMIT', values: [kw] }];

function intentFor(event: Record<string, unknown>): SignalIntent {
  const object = { id: 'evt-1', programID: '44', ...event };
  const parsed = parseNotification(
    { objectType: 'EVENT', operation: 'CREATE', object },
    CONFIG,
    NOW,
  );
  const [intent] = parsed.intents;
  if (!intent) throw new Error('no intent');
  return intent;
}

function spans(intent: SignalIntent): [string, string | undefined][] {
  return intent.intervals.map((interval) => [interval.start, interval.end]);
}

function fieldOf(event: Record<string, unknown>): unknown {
  try {
    intentFor(event);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    expect(error.reason).toBe('invalid_openadr_notification');
    return error.details?.field;
  }
  throw new Error('expected a refusal');
}

describe('interval periods', () => {
  it('runs intervals without their own period back to back from the event start', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT30M' },
      intervals: [
        { id: 0, payloads: CAP(10000) },
        { id: 1, payloads: CAP(8000) },
      ],
    });
    expect(spans(intent)).toEqual([
      ['2026-06-12T14:00:00.000Z', '2026-06-12T14:30:00.000Z'],
      ['2026-06-12T14:30:00.000Z', '2026-06-12T15:00:00.000Z'],
    ]);
    expect(intent).toMatchObject({
      start: '2026-06-12T14:00:00.000Z',
      end: '2026-06-12T15:00:00.000Z',
      valueKw: 8000,
    });
  });

  it('lets an interval override only the duration and still follow on', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT1H' },
      intervals: [
        { id: 0, payloads: CAP(100) },
        { id: 1, intervalPeriod: { duration: 'PT2H' }, payloads: CAP(100) },
        { id: 2, payloads: CAP(100) },
      ],
    });
    expect(spans(intent)).toEqual([
      ['2026-06-12T14:00:00.000Z', '2026-06-12T15:00:00.000Z'],
      ['2026-06-12T15:00:00.000Z', '2026-06-12T17:00:00.000Z'],
      ['2026-06-12T17:00:00.000Z', '2026-06-12T18:00:00.000Z'],
    ]);
  });

  it('honours an absolute interval start (gap) and later intervals follow it', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT1H' },
      intervals: [
        { id: 0, payloads: CAP(100) },
        { id: 1, intervalPeriod: { start: '2026-06-12T18:00:00+02:00' }, payloads: CAP(100) },
        { id: 2, intervalPeriod: { start: '0001-01-01' }, payloads: CAP(100) },
      ],
    });
    expect(spans(intent)).toEqual([
      ['2026-06-12T14:00:00.000Z', '2026-06-12T15:00:00.000Z'],
      ['2026-06-12T16:00:00.000Z', '2026-06-12T17:00:00.000Z'],
      ['2026-06-12T17:00:00.000Z', '2026-06-12T18:00:00.000Z'],
    ]);
    // The gap is held: one window from the first start to the last end.
    expect([intent.start, intent.end]).toEqual([
      '2026-06-12T14:00:00.000Z',
      '2026-06-12T18:00:00.000Z',
    ]);
  });

  it('accepts intervals that each carry a full period when the event has none', () => {
    const intent = intentFor({
      intervals: [
        {
          id: 0,
          intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT15M' },
          payloads: CAP(5),
        },
      ],
    });
    expect(spans(intent)).toEqual([['2026-06-12T14:00:00.000Z', '2026-06-12T14:15:00.000Z']]);
  });

  it('measures calendar durations on the calendar', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-01-31T00:00:00Z', duration: 'P1M' },
      intervals: [
        { id: 0, payloads: CAP(1) },
        { id: 1, payloads: CAP(1) },
      ],
    });
    expect(spans(intent)).toEqual([
      ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
      ['2026-02-28T00:00:00.000Z', '2026-03-28T00:00:00.000Z'],
    ]);
  });

  it('skips ahead: a finished first interval does not hold the window start', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-12T13:00:00Z', duration: 'PT30M' },
      intervals: [
        { id: 0, payloads: CAP(1) },
        { id: 1, payloads: CAP(1) },
        { id: 2, payloads: CAP(1) },
      ],
    });
    expect(intent.start).toBe('2026-06-12T13:30:00.000Z');
    expect(intent.intervals).toHaveLength(3);
  });
});

describe('now and open-ended', () => {
  it.each([
    '0001-01-01',
    '0001-01-01T00:00:00',
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000Z',
  ])('start %s means now', (start) => {
    const intent = intentFor({
      intervalPeriod: { start, duration: 'PT1H' },
      intervals: [{ id: 0, payloads: CAP(1) }],
    });
    expect(intent.start).toBe(NOW.toISOString());
    expect(intent.end).toBe('2026-06-12T14:59:00.000Z');
  });

  it('a sentinel start on the first interval means the event start, not now', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT1H' },
      intervals: [{ id: 0, intervalPeriod: { start: '0001-01-01T00:00:00Z' }, payloads: CAP(1) }],
    });
    expect(intent.start).toBe('2026-06-12T14:00:00.000Z');
  });

  it('a zero-length window asks for nothing, even in the future (PT0S → cancel)', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-13T00:00:00Z', duration: 'PT0S' },
      intervals: [{ id: 0, payloads: CAP(1) }],
    });
    expect(intent.action).toBe('cancel');
  });

  it('refuses an invalid clock as a programming error', () => {
    const body = { objectType: 'EVENT', operation: 'CREATE', object: { id: 'x' } };
    expect(() => parseNotification(body, CONFIG, new Date(Number.NaN))).toThrow(RangeError);
  });

  it('P9999Y means open-ended (the do-it-now alert idiom)', () => {
    const intent = intentFor({
      priority: 0,
      intervalPeriod: { start: '0001-01-01', duration: 'P9999Y' },
      intervals: [{ id: 0, payloads: [{ type: 'ALERT_GRID_EMERGENCY', values: ['EEA2'] }] }],
    });
    expect(intent).toMatchObject({
      action: 'curtail',
      mode: 'full_stop',
      start: NOW.toISOString(),
    });
    expect(intent.end).toBeUndefined();
    expect(intent.intervals[0]?.end).toBeUndefined();
  });

  it('a missing duration means open-ended, and a missing event start means now', () => {
    const intent = intentFor({ intervalPeriod: {}, intervals: [{ id: 0, payloads: CAP(1) }] });
    expect(intent.start).toBe(NOW.toISOString());
    expect(intent.end).toBeUndefined();
  });

  it('an open-ended event that started long ago is still active', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2020-01-01T00:00:00Z', duration: 'P9999Y' },
      intervals: [{ id: 0, payloads: CAP(1) }],
    });
    expect(intent.action).toBe('curtail');
  });

  it('refuses an interval that could only follow an open-ended one', () => {
    expect(
      fieldOf({
        intervalPeriod: { start: '2026-06-12T14:00:00Z' },
        intervals: [
          { id: 0, payloads: CAP(1) },
          { id: 1, payloads: CAP(1) },
        ],
      }),
    ).toBe('object.intervals[1].intervalPeriod.start');
  });
});
