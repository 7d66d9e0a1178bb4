// OpenADR event.duration (truncate, repeat, repeat for ever) and malformed timing values, each
// refused with the JSON path of the offending field.

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

describe('event.duration (3.1)', () => {
  const hourly = {
    intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT1H' },
    intervals: [
      { id: 0, payloads: CAP(1) },
      { id: 1, payloads: CAP(2) },
    ],
  };

  it('truncates the intervals', () => {
    const intent = intentFor({ ...hourly, duration: 'PT90M' });
    expect(spans(intent)).toEqual([
      ['2026-06-12T14:00:00.000Z', '2026-06-12T15:00:00.000Z'],
      ['2026-06-12T15:00:00.000Z', '2026-06-12T15:30:00.000Z'],
    ]);
  });

  it('repeats the intervals up to the event duration', () => {
    const intent = intentFor({ ...hourly, duration: 'PT5H' });
    expect(intent.intervals.map((interval) => interval.id)).toEqual([0, 1, 0, 1, 0]);
    expect(intent.end).toBe('2026-06-12T19:00:00.000Z');
  });

  it('repeats for ever with P9999Y', () => {
    const intent = intentFor({ ...hourly, duration: 'P9999Y' });
    expect(intent.intervals).toHaveLength(2);
    expect(intent.end).toBeUndefined();
  });

  it('refuses an interval list that expands beyond the plan limit', () => {
    const values = Array.from({ length: 5001 }, () => 1);
    const intervals = [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values }] }];
    expect(fieldOf({ ...hourly, intervals })).toBe('object.intervals');
  });

  it('refuses a loop that would build an unbounded plan', () => {
    expect(fieldOf({ ...hourly, duration: 'P10Y' })).toBe('object.duration');
  });
});

describe('malformed timing', () => {
  const period = (value: Record<string, unknown>) => ({
    intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT1H' },
    intervals: [
      { id: 0, payloads: CAP(1) },
      { id: 1, payloads: CAP(1) },
      { id: 2, intervalPeriod: value, payloads: CAP(1) },
    ],
  });

  it.each([
    [{ duration: 'P1H' }, 'object.intervals[2].intervalPeriod.duration'],
    [{ duration: '-PT1H' }, 'object.intervals[2].intervalPeriod.duration'],
    [{ duration: 3600 }, 'object.intervals[2].intervalPeriod.duration'],
    [{ start: 'tomorrow' }, 'object.intervals[2].intervalPeriod.start'],
    [{ start: '2026-06-12T14:00:00' }, 'object.intervals[2].intervalPeriod.start'],
    [{ start: '2026-02-30T14:00:00Z' }, 'object.intervals[2].intervalPeriod.start'],
    [{ start: '2026-06-12T25:00:00Z' }, 'object.intervals[2].intervalPeriod.start'],
    [{ start: '2026-06-12' }, 'object.intervals[2].intervalPeriod.start'],
    [{ start: 1718200800000 }, 'object.intervals[2].intervalPeriod.start'],
    [{ start: '0001-01-01Tnoon' }, 'object.intervals[2].intervalPeriod.start'],
    [{ randomizeStart: 'soon' }, 'object.intervals[2].intervalPeriod.randomizeStart'],
  ])('refuses %j naming the field', (value, field) => {
    expect(fieldOf(period(value))).toBe(field);
  });

  it.each([
    [{ intervalPeriod: 'PT1H' }, 'object.intervalPeriod'],
    [{ intervalPeriod: { start: 'now', duration: 'PT1H' } }, 'object.intervalPeriod.start'],
    [{ intervalPeriod: { start: '0001-01-01', duration: 'P' } }, 'object.intervalPeriod.duration'],
    [{ intervalPeriod: { start: '0001-01-01' }, intervals: {} }, 'object.intervals'],
    [{ intervalPeriod: { start: '0001-01-01' }, intervals: [null] }, 'object.intervals[0]'],
    [{ intervals: [{ id: 0, payloads: CAP(1) }] }, 'object.intervals[0].intervalPeriod'],
    [{ intervalPeriod: { start: '0001-01-01' }, duration: '1D' }, 'object.duration'],
  ])('refuses %j at the event level', (event, field) => {
    expect(fieldOf({ intervals: [{ id: 0, payloads: CAP(1) }], ...event })).toBe(field);
  });

  it('accepts the offsets and annotations seen in the wild', () => {
    for (const start of [
      '2026-06-12T14:00:00+00:00',
      '2026-06-12T14:00Z[GMT]',
      '2026-06-12T16:00:00.000000+0200',
      '2026-06-12t14:00:00z',
    ]) {
      const intent = intentFor({
        intervalPeriod: { start, duration: 'PT1H' },
        intervals: [{ id: 0, payloads: CAP(1) }],
      });
      expect(intent.start).toBe('2026-06-12T14:00:00.000Z');
    }
  });

  it('keeps randomizeStart for the record without shifting anything', () => {
    const intent = intentFor({
      intervalPeriod: { start: '2026-06-12T14:00:00Z', duration: 'PT1H', randomizeStart: 'PT5M' },
      intervals: [{ id: 0, payloads: CAP(1) }],
    });
    expect(intent.intervals[0]).toMatchObject({
      start: '2026-06-12T14:00:00.000Z',
      randomizeStart: 'PT5M',
    });
  });
});
