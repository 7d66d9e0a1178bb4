// rollupOf counts targets by the state a client sees, i.e. after the waves already sent.

import { describe, expect, it } from 'vitest';
import { rollupOf } from '../../lib/app/views';
import type { Target } from '../../lib/domain/event';
import { eventFixture } from '../support/event-fixture';

type Stored = Pick<Target, 'seq' | 'phase' | 'state'>;

function stored(seq: number, state: Target['state'], phase: Target['phase'] = 'curtail'): Stored {
  return { seq, phase, state };
}

describe('rollupOf', () => {
  it('is all zeros for no targets', () => {
    expect(rollupOf(eventFixture(), [])).toStrictEqual({
      pending: 0,
      dispatched: 0,
      confirmed: 0,
      drifted: 0,
      curtailFailed: 0,
      resolved: 0,
      released: 0,
      restoreFailed: 0,
      total: 0,
    });
  });

  it('counts every stored state under its own key', () => {
    const event = eventFixture({ targetCount: 8 });
    const states: Stored[] = [
      stored(0, 'pending'),
      stored(1, 'dispatched'),
      stored(2, 'confirmed'),
      stored(3, 'drifted'),
      stored(4, 'curtail_failed'),
      stored(5, 'resolved', 'restore'),
      stored(6, 'released'),
      stored(7, 'restore_failed', 'restore'),
    ];
    expect(rollupOf(event, states)).toStrictEqual({
      pending: 1,
      dispatched: 1,
      confirmed: 1,
      drifted: 1,
      curtailFailed: 1,
      resolved: 1,
      released: 1,
      restoreFailed: 1,
      total: 8,
    });
  });

  it('counts pending targets of sent curtail waves as dispatched', () => {
    const event = eventFixture({ targetCount: 25, curtailBatchSize: 10 }, { curtailWavesSent: 2 });
    const states = Array.from({ length: 25 }, (_, seq) =>
      stored(seq, seq === 3 ? 'confirmed' : 'pending'),
    );
    expect(rollupOf(event, states)).toStrictEqual({
      pending: 5,
      dispatched: 19,
      confirmed: 1,
      drifted: 0,
      curtailFailed: 0,
      resolved: 0,
      released: 0,
      restoreFailed: 0,
      total: 25,
    });
  });

  it('counts targets of sent restore waves as dispatched while restoring', () => {
    // 10 curtailed, restore waves of 4 from the end: wave 0 = seq 6..9 has gone out.
    const event = eventFixture(
      { state: 'restoring', targetCount: 12, curtailBatchSize: 10, effectiveBatchSize: 4 },
      { curtailWavesSent: 1, restoreScope: 10, restoreWavesSent: 1 },
    );
    const states = [
      ...Array.from({ length: 9 }, (_, seq) => stored(seq, 'confirmed')),
      stored(9, 'resolved', 'restore'),
      stored(10, 'released'),
      stored(11, 'released'),
    ];
    expect(rollupOf(event, states)).toStrictEqual({
      pending: 0,
      dispatched: 3,
      confirmed: 6,
      drifted: 0,
      curtailFailed: 0,
      resolved: 1,
      released: 2,
      restoreFailed: 0,
      total: 12,
    });
  });
});
