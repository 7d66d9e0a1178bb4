// Confirmation reads telemetry against the baseline: dark at or below half of it, running above.
// Without a baseline the hashrate decides; a missing sample never confirms anything.

import { describe, expect, it } from 'vitest';
import {
  CURTAIL_THRESHOLD_FACTOR,
  sampleAfter,
  showsCurtailed,
  showsRunning,
} from '../../lib/domain/confirmation';
import type { TelemetrySample } from '../../lib/domain/fleet';

const AT = '2025-06-01T12:00:10.000Z';

function sample(powerW: number, hashrateThs: number, at = AT): TelemetrySample {
  return { at, powerW, hashrateThs };
}

describe('showsCurtailed', () => {
  it('uses 0.5 x baseline as the threshold, inclusive', () => {
    expect(CURTAIL_THRESHOLD_FACTOR).toBe(0.5);
    expect(showsCurtailed(sample(1_500, 50), 3_000)).toBe(true);
    expect(showsCurtailed(sample(1_500.001, 0), 3_000)).toBe(false);
    expect(showsCurtailed(sample(0, 0), 3_000)).toBe(true);
    expect(showsCurtailed(sample(3_000, 100), 3_000)).toBe(false);
  });

  it('ignores the hashrate when there is a baseline', () => {
    expect(showsCurtailed(sample(100, 100), 3_000)).toBe(true);
    expect(showsCurtailed(sample(2_000, 0), 3_000)).toBe(false);
  });

  it('decides by hashrate without a positive baseline', () => {
    expect(showsCurtailed(sample(2_000, 0))).toBe(true);
    expect(showsCurtailed(sample(0, 0.1))).toBe(false);
    expect(showsCurtailed(sample(2_000, 0), 0)).toBe(true);
    expect(showsCurtailed(sample(2_000, 50), 0)).toBe(false);
    expect(showsCurtailed(sample(2_000, 0), -1)).toBe(true);
  });

  it('never confirms from a missing or unreadable sample', () => {
    expect(showsCurtailed(undefined, 3_000)).toBe(false);
    expect(showsCurtailed(undefined)).toBe(false);
    expect(showsCurtailed(sample(Number.NaN, 0), 3_000)).toBe(false);
    expect(showsCurtailed(sample(Number.NaN, 0))).toBe(false);
    expect(showsCurtailed(sample(Number.POSITIVE_INFINITY, 0))).toBe(false);
    expect(showsCurtailed(sample(0, Number.NaN))).toBe(false);
  });
});

describe('showsRunning', () => {
  it('uses 0.5 x baseline as the threshold, exclusive', () => {
    expect(showsRunning(sample(1_500, 100), 3_000)).toBe(false);
    expect(showsRunning(sample(1_500.001, 0), 3_000)).toBe(true);
    expect(showsRunning(sample(3_100, 100), 3_000)).toBe(true);
    expect(showsRunning(sample(0, 100), 3_000)).toBe(false);
  });

  it('is the exact complement of showsCurtailed around the threshold with a baseline', () => {
    for (const powerW of [0, 1_499.999, 1_500, 1_500.001, 4_000]) {
      const reading = sample(powerW, 50);
      expect(showsRunning(reading, 3_000)).toBe(!showsCurtailed(reading, 3_000));
    }
  });

  it('decides by hashrate without a positive baseline', () => {
    expect(showsRunning(sample(0, 0.1))).toBe(true);
    expect(showsRunning(sample(3_000, 0))).toBe(false);
    expect(showsRunning(sample(3_000, 0), 0)).toBe(false);
    expect(showsRunning(sample(0, 90), 0)).toBe(true);
  });

  it('falls back to the hashrate when the power reading is unusable', () => {
    expect(showsRunning(sample(Number.NaN, 90), 3_000)).toBe(true);
    expect(showsRunning(sample(Number.NaN, 0), 3_000)).toBe(false);
  });

  it('never confirms from a missing or unreadable sample', () => {
    expect(showsRunning(undefined, 3_000)).toBe(false);
    expect(showsRunning(undefined)).toBe(false);
    expect(showsRunning(sample(Number.NaN, Number.NaN), 3_000)).toBe(false);
    expect(showsRunning(sample(3_000, Number.POSITIVE_INFINITY))).toBe(false);
  });
});

describe('sampleAfter', () => {
  const reading = sample(0, 0, '2025-06-01T12:00:10.000Z');

  it('keeps a sample taken at or after the command', () => {
    expect(sampleAfter(reading, '2025-06-01T12:00:10.000Z')).toBe(reading);
    expect(sampleAfter(reading, '2025-06-01T12:00:09.999Z')).toBe(reading);
  });

  it('drops a sample taken before the command', () => {
    expect(sampleAfter(reading, '2025-06-01T12:00:10.001Z')).toBeUndefined();
  });

  it('compares instants, not strings', () => {
    expect(sampleAfter(reading, '2025-06-01T14:00:09+02:00')).toBe(reading);
    expect(sampleAfter(reading, '2025-06-01T14:00:11+02:00')).toBeUndefined();
  });

  it('drops everything without a sample, a send time or a parsable send time', () => {
    expect(sampleAfter(undefined, '2025-06-01T12:00:00.000Z')).toBeUndefined();
    expect(sampleAfter(reading, undefined)).toBeUndefined();
    expect(sampleAfter(reading, 'not a date')).toBeUndefined();
    expect(sampleAfter(sample(0, 0, 'garbage'), '2025-06-01T12:00:00.000Z')).toBeUndefined();
  });
});
