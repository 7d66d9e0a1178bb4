// ISO 8601 durations: strict parsing, calendar arithmetic in UTC (month ends, leap years, no
// daylight-saving effect) and the P9999Y open-ended marker.

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../lib/domain/errors';
import {
  addIsoDuration,
  isOpenEnded,
  isZeroDuration,
  parseIsoDuration,
  tryParseIsoDuration,
} from '../../lib/domain/iso-duration';

const ZERO = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

function plus(start: string, duration: string): string {
  return new Date(addIsoDuration(Date.parse(start), parseIsoDuration(duration))).toISOString();
}

describe('parseIsoDuration', () => {
  it('reads every designator into its own part', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7.5,
    });
    expect(parseIsoDuration('PT30M')).toEqual({ ...ZERO, minutes: 30 });
    expect(parseIsoDuration('P1D')).toEqual({ ...ZERO, days: 1 });
    expect(parseIsoDuration('PT0S')).toEqual(ZERO);
  });

  it('accepts the long form some libraries serialise (P0Y0M0DT1H0M0S)', () => {
    expect(parseIsoDuration('P0Y0M0DT1H0M0S')).toEqual({ ...ZERO, hours: 1 });
  });

  it.each([
    '',
    'P',
    'PT',
    '1D',
    'P1H',
    'P1DT',
    '-P1D',
    'P-1D',
    'p1d',
    'P1D ',
    'PT1.5M',
    'P0.5D',
    'PT1H30',
    'P1S',
    'P1M1Y',
    'P99999999999999999999Y',
  ])('refuses %j', (text) => {
    expect(tryParseIsoDuration(text)).toBeUndefined();
    expect(() => parseIsoDuration(text)).toThrow(InvalidArgumentError);
  });

  it('refuses non-strings without throwing a TypeError', () => {
    expect(tryParseIsoDuration(42)).toBeUndefined();
    expect(tryParseIsoDuration(null)).toBeUndefined();
    expect(tryParseIsoDuration({ hours: 1 })).toBeUndefined();
  });

  it('names the reason and the value when it throws', () => {
    try {
      parseIsoDuration('P1H');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      if (!(error instanceof InvalidArgumentError)) return;
      expect(error.reason).toBe('invalid_duration');
      expect(error.details).toEqual({ value: 'P1H' });
    }
  });
});

describe('addIsoDuration', () => {
  it('adds time parts as elapsed time', () => {
    expect(plus('2026-06-12T14:00:00.000Z', 'PT30M')).toBe('2026-06-12T14:30:00.000Z');
    expect(plus('2026-06-12T14:00:00.000Z', 'PT36H')).toBe('2026-06-14T02:00:00.000Z');
    expect(plus('2026-06-12T14:00:00.000Z', 'PT1.5S')).toBe('2026-06-12T14:00:01.500Z');
    expect(plus('2026-06-12T14:00:00.000Z', 'PT0.0006S')).toBe('2026-06-12T14:00:00.001Z');
  });

  it('clamps to the end of a shorter month (P1M from Jan 31)', () => {
    expect(plus('2026-01-31T10:15:30.250Z', 'P1M')).toBe('2026-02-28T10:15:30.250Z');
    expect(plus('2024-01-31T00:00:00.000Z', 'P1M')).toBe('2024-02-29T00:00:00.000Z');
    expect(plus('2026-03-31T00:00:00.000Z', 'P1M')).toBe('2026-04-30T00:00:00.000Z');
    expect(plus('2026-12-31T00:00:00.000Z', 'P2M')).toBe('2027-02-28T00:00:00.000Z');
    expect(plus('2026-12-15T00:00:00.000Z', 'P1M')).toBe('2027-01-15T00:00:00.000Z');
  });

  it('handles leap years for years and months together', () => {
    expect(plus('2024-02-29T12:00:00.000Z', 'P1Y')).toBe('2025-02-28T12:00:00.000Z');
    expect(plus('2024-02-29T12:00:00.000Z', 'P4Y')).toBe('2028-02-29T12:00:00.000Z');
    expect(plus('2023-01-31T00:00:00.000Z', 'P1Y1M')).toBe('2024-02-29T00:00:00.000Z');
    expect(plus('2024-02-28T00:00:00.000Z', 'P1D')).toBe('2024-02-29T00:00:00.000Z');
    expect(plus('2026-02-28T00:00:00.000Z', 'P1D')).toBe('2026-03-01T00:00:00.000Z');
  });

  it('moves the calendar date before adding the time parts', () => {
    // Calendar first: Jan 30 → Feb 28 (clamped) 23:30 → +1 h = Mar 1 00:30.
    expect(plus('2026-01-30T23:30:00.000Z', 'P1MT1H')).toBe('2026-03-01T00:30:00.000Z');
  });

  it('keeps a day at 24 hours across local daylight-saving changes (all UTC)', () => {
    expect(plus('2026-03-08T06:00:00.000Z', 'P1D')).toBe('2026-03-09T06:00:00.000Z');
    expect(plus('2026-03-29T00:30:00.000Z', 'P1D')).toBe('2026-03-30T00:30:00.000Z');
    expect(plus('2026-10-25T00:30:00.000Z', 'P1W')).toBe('2026-11-01T00:30:00.000Z');
  });

  it('gives NaN beyond the Date range instead of a wrong instant', () => {
    expect(addIsoDuration(0, { ...ZERO, years: 999_999 })).toBeNaN();
  });
});

describe('isOpenEnded / isZeroDuration', () => {
  it('treats P9999Y and longer as open-ended', () => {
    expect(isOpenEnded('P9999Y')).toBe(true);
    expect(isOpenEnded('P10000Y')).toBe(true);
    expect(isOpenEnded(parseIsoDuration('P9999Y'))).toBe(true);
    expect(isOpenEnded('P9998Y')).toBe(false);
    expect(isOpenEnded('PT0S')).toBe(false);
    expect(isOpenEnded('forever')).toBe(false);
  });

  it('recognises a zero duration in any spelling', () => {
    expect(isZeroDuration(parseIsoDuration('PT0S'))).toBe(true);
    expect(isZeroDuration(parseIsoDuration('P0D'))).toBe(true);
    expect(isZeroDuration(parseIsoDuration('PT0.001S'))).toBe(false);
  });
});
