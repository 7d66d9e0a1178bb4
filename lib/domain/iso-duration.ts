// ISO 8601 durations (PnYnMnWnDTnHnMnS) parsed into parts and added to an instant in UTC, so
// that calendar units follow the calendar rather than a fixed number of seconds.

import { InvalidArgumentError } from './errors';

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  /** May carry a fraction (PT1.5S); every other part is a whole number. */
  seconds: number;
}

// Designators must appear in order, at least one part must be present and a 'T' must be
// followed by a time part, which rules out 'P', 'PT', 'P1DT' and 'P1H'. Weeks may be combined
// with days (ISO 8601-2 allows it and it costs nothing). A sign is refused: a negative length
// has no meaning for an interval and we would rather reject it than guess.
const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Years at or beyond this count mean "no end" (OpenADR 3 uses P9999Y for infinity). */
export const OPEN_ENDED_YEARS = 9999;

const MS_PER_DAY = 86_400_000;

/** The parsed parts, or undefined when the text is not a duration we accept. */
export function tryParseIsoDuration(text: unknown): IsoDuration | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const part = (index: number): number => Number(match[index] ?? 0);
  const parsed: IsoDuration = {
    years: part(1),
    months: part(2),
    weeks: part(3),
    days: part(4),
    hours: part(5),
    minutes: part(6),
    seconds: part(7),
  };
  // Digits beyond the safe integer range would silently lose precision.
  const { seconds, ...whole } = parsed;
  return Object.values(whole).every(Number.isSafeInteger) && Number.isFinite(seconds)
    ? parsed
    : undefined;
}

export function parseIsoDuration(text: string): IsoDuration {
  const parsed = tryParseIsoDuration(text);
  if (!parsed) {
    throw new InvalidArgumentError(
      `'${String(text).slice(0, 64)}' is not an ISO 8601 duration such as PT30M or P1DT2H`,
      'invalid_duration',
      { value: text },
    );
  }
  return parsed;
}

export function isOpenEnded(duration: IsoDuration | string): boolean {
  const parsed = typeof duration === 'string' ? tryParseIsoDuration(duration) : duration;
  return parsed !== undefined && parsed.years >= OPEN_ENDED_YEARS;
}

export function isZeroDuration(duration: IsoDuration): boolean {
  return Object.values(duration).every((part) => part === 0);
}

function daysInMonth(year: number, monthIndex: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(year, monthIndex + 1, 0);
  return probe.getUTCDate();
}

/**
 * startMs plus the duration, in epoch milliseconds. Years and months move the calendar date
 * first and clamp the day to the end of a shorter month (Jan 31 + P1M = Feb 28 or 29, and
 * Feb 29 + P1Y = Feb 28), the rule Temporal calls 'constrain'. Weeks and days then move whole
 * calendar days, and the time parts follow as elapsed time. Because all of it is UTC, a day is
 * always 24 hours: daylight-saving changes of local zones do not shorten or stretch it.
 * Fractional seconds are rounded to the millisecond. NaN when the result leaves the Date range.
 */
export function addIsoDuration(startMs: number, duration: IsoDuration): number {
  const date = new Date(startMs);
  if (duration.years !== 0 || duration.months !== 0) {
    const totalMonths = date.getUTCMonth() + duration.months + duration.years * 12;
    const year = date.getUTCFullYear() + Math.floor(totalMonths / 12);
    const monthIndex = totalMonths % 12;
    const day = Math.min(date.getUTCDate(), daysInMonth(year, monthIndex));
    date.setUTCFullYear(year, monthIndex, day);
  }
  const calendarMs = date.getTime() + (duration.weeks * 7 + duration.days) * MS_PER_DAY;
  const timeMs =
    (duration.hours * 3600 + duration.minutes * 60) * 1000 + Math.round(duration.seconds * 1000);
  // Re-wrap so that a result beyond ±8.64e15 ms becomes NaN instead of an unusable number.
  return new Date(calendarMs + timeMs).getTime();
}
