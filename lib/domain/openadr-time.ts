// OpenADR 3 timing: RFC 3339 instants with the 0001-01-01 "now" sentinel, and interval periods
// resolved into absolute UTC windows (event defaults, per-interval overrides, back-to-back).

import { addIsoDuration, type IsoDuration, isOpenEnded, tryParseIsoDuration } from './iso-duration';
import {
  fail,
  isRecord,
  type JsonObject,
  optionalArray,
  optionalObject,
  optionalString,
  path,
} from './openadr-json';

/** The sentinel for "the beginning of time", which OpenADR uses to say "now" or "follow on". */
export const SENTINEL = 'sentinel';

// Date, then optionally a time with optional seconds and fraction, an offset, and a bracketed
// zone annotation as Java's ZonedDateTime prints it (2026-08-09T18:00Z[GMT]). The offset decides
// the instant; the annotation is ignored, as RFC 9557 lets a reader do.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?(?:\[[^\]]{1,64}\])?)?$/;

function daysIn(year: number, month: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(year, month, 0);
  return probe.getUTCDate();
}

function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Epoch ms of an RFC 3339 instant, or SENTINEL for any form of 0001-01-01. A real instant must
 * carry a time and an offset: a local time without one could be read in any zone.
 */
export function parseDateTime(value: unknown, field: string): number | typeof SENTINEL {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const match = text === undefined ? null : DATE_TIME.exec(text);
  if (!match) {
    return fail(field, 'must be an RFC 3339 date-time such as 2026-06-12T14:00:00Z');
  }
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const validDate = month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
  // Second 60 is a leap second in RFC 3339; Date rolls it into the next minute.
  if (!validDate || hour > 23 || minute > 59 || second > 60) {
    return fail(field, 'is not a real calendar date and time');
  }
  if (year === 1 && month === 1 && day === 1) return SENTINEL;
  const offset = zone === undefined ? undefined : offsetMinutes(zone);
  if (h === undefined || offset === undefined) {
    return fail(field, 'must include a time and a UTC offset (Z or ±hh:mm)');
  }
  const ms = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offset * 60_000;
}

export interface ParsedDuration {
  /** undefined = open-ended (P9999Y). */
  duration: IsoDuration | undefined;
  field: string;
}

export function readDuration(value: unknown, field: string): ParsedDuration {
  const duration = tryParseIsoDuration(value);
  if (!duration) {
    return fail(field, 'must be a non-negative ISO 8601 duration such as PT30M, P1D or P9999Y');
  }
  return { duration: isOpenEnded(duration) ? undefined : duration, field };
}

/** The end of a window, undefined when open-ended; a result beyond the Date range is refused. */
export function endOf(startMs: number, period: ParsedDuration | undefined): number | undefined {
  if (period?.duration === undefined) return undefined;
  const endMs = addIsoDuration(startMs, period.duration);
  if (!Number.isFinite(endMs)) fail(period.field, 'ends beyond the supported date range');
  return endMs;
}

export interface TimedInterval {
  index: number;
  at: string;
  raw: JsonObject;
  startMs: number;
  endMs: number | undefined;
  randomizeStart?: string;
}

function readRandomize(period: JsonObject | undefined, at: string): string | undefined {
  if (!period) return undefined;
  const value = optionalString(period, 'randomizeStart', at);
  // Only the magnitude matters (the shift goes either way), so a leading minus is tolerated.
  if (value !== undefined) readDuration(value.replace(/^-/, ''), path(at, 'randomizeStart'));
  return value;
}

/**
 * Absolute windows for the event's intervals. An interval's own start and duration override the
 * event's; a missing or sentinel start follows the previous interval (the first one starts at
 * the event start, itself "now" when missing or the sentinel); a missing duration, here and on
 * the event, means the interval never ends.
 */
export function resolveIntervals(event: JsonObject, at: string, nowMs: number): TimedInterval[] {
  const eventPeriodAt = path(at, 'intervalPeriod');
  const eventPeriod = optionalObject(event, 'intervalPeriod', at);
  const eventStartValue = eventPeriod?.start;
  const eventStart =
    eventStartValue === undefined || eventStartValue === null
      ? SENTINEL
      : parseDateTime(eventStartValue, path(eventPeriodAt, 'start'));
  const eventStartMs = eventStart === SENTINEL ? nowMs : eventStart;
  const eventDuration =
    eventPeriod?.duration === undefined || eventPeriod.duration === null
      ? undefined
      : readDuration(eventPeriod.duration, path(eventPeriodAt, 'duration'));
  const eventRandomize = readRandomize(eventPeriod, eventPeriodAt);

  const intervalsAt = path(at, 'intervals');
  const items = optionalArray(event, 'intervals', at) ?? [];
  const resolved: TimedInterval[] = [];
  for (const [index, item] of items.entries()) {
    const itemAt = path(intervalsAt, index);
    if (!isRecord(item)) fail(itemAt, 'must be an object');
    const periodAt = path(itemAt, 'intervalPeriod');
    const own = optionalObject(item, 'intervalPeriod', itemAt);
    if (!own && !eventPeriod) {
      fail(periodAt, 'is required when the event has no intervalPeriod');
    }
    const ownStart =
      own?.start === undefined || own.start === null
        ? SENTINEL
        : parseDateTime(own.start, path(periodAt, 'start'));
    const previous = resolved.at(-1);
    let startMs: number;
    if (ownStart !== SENTINEL) startMs = ownStart;
    else if (!previous) startMs = eventStartMs;
    else if (previous.endMs !== undefined) startMs = previous.endMs;
    else {
      fail(
        path(periodAt, 'start'),
        'is needed because the previous interval never ends, so this one could never follow it',
      );
    }
    const ownDuration =
      own?.duration === undefined || own.duration === null
        ? undefined
        : readDuration(own.duration, path(periodAt, 'duration'));
    const endMs = endOf(startMs, ownDuration ?? eventDuration);
    const randomizeStart = readRandomize(own, periodAt) ?? eventRandomize;
    resolved.push({ index, at: itemAt, raw: item, startMs, endMs, randomizeStart });
  }
  return resolved;
}
