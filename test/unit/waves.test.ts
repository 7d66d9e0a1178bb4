// Wave arithmetic: curtail waves walk the selection forwards, restore waves backwards, and what
// a stored target "is" between its own writes is derived from the waves already sent.

import { describe, expect, it } from 'vitest';
import { defaultCurtailBatchSize, effectiveBatchSize } from '../../lib/domain/event';
import {
  curtailedScope,
  curtailWaveCount,
  curtailWaveOf,
  curtailWaveRange,
  restoreWaveCount,
  restoreWaveOf,
  restoreWaveRange,
  viewTarget,
} from '../../lib/domain/waves';
import { eventFixture, targetFixture } from '../support/event-fixture';

describe('curtail waves', () => {
  it('counts waves of curtailBatchSize, the last one partial', () => {
    expect(curtailWaveCount({ targetCount: 25, curtailBatchSize: 10 })).toBe(3);
    expect(curtailWaveCount({ targetCount: 20, curtailBatchSize: 10 })).toBe(2);
    expect(curtailWaveCount({ targetCount: 1, curtailBatchSize: 100 })).toBe(1);
    expect(curtailWaveCount({ targetCount: 0, curtailBatchSize: 10 })).toBe(0);
  });

  it('treats a batch size below 1 as 1', () => {
    expect(curtailWaveCount({ targetCount: 3, curtailBatchSize: 0 })).toBe(3);
    expect(curtailWaveRange({ targetCount: 3, curtailBatchSize: 0 }, 2)).toEqual({
      from: 2,
      to: 3,
    });
  });

  it('walks the selection order forwards', () => {
    const event = { targetCount: 25, curtailBatchSize: 10 };
    expect(curtailWaveRange(event, 0)).toEqual({ from: 0, to: 10 });
    expect(curtailWaveRange(event, 1)).toEqual({ from: 10, to: 20 });
    expect(curtailWaveRange(event, 2)).toEqual({ from: 20, to: 25 });
  });

  it('puts every seq in the wave whose range holds it', () => {
    for (const [count, size] of [
      [25, 10],
      [7, 3],
      [100, 100],
      [5, 1],
    ] as const) {
      const seen: number[] = [];
      for (
        let wave = 0;
        wave < curtailWaveCount({ targetCount: count, curtailBatchSize: size });
        wave++
      ) {
        const { from, to } = curtailWaveRange({ targetCount: count, curtailBatchSize: size }, wave);
        for (let seq = from; seq < to; seq++) {
          expect(curtailWaveOf(seq, size)).toBe(wave);
          seen.push(seq);
        }
      }
      expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });
});

describe('restore waves', () => {
  it('walks the scope backwards, the last wave partial', () => {
    expect(restoreWaveCount(25, 10)).toBe(3);
    expect(restoreWaveRange(25, 10, 0)).toEqual({ from: 15, to: 25 });
    expect(restoreWaveRange(25, 10, 1)).toEqual({ from: 5, to: 15 });
    expect(restoreWaveRange(25, 10, 2)).toEqual({ from: 0, to: 5 });
  });

  it('has one wave when the batch covers the scope', () => {
    expect(restoreWaveCount(25, 25)).toBe(1);
    expect(restoreWaveRange(25, 25, 0)).toEqual({ from: 0, to: 25 });
    expect(restoreWaveCount(25, 1_000)).toBe(1);
    expect(restoreWaveRange(25, 1_000, 0)).toEqual({ from: 0, to: 25 });
  });

  it('has no wave for an empty scope', () => {
    expect(restoreWaveCount(0, 10)).toBe(0);
    expect(restoreWaveRange(0, 10, 0)).toEqual({ from: 0, to: 0 });
  });

  it('treats a batch size below 1 as 1', () => {
    expect(restoreWaveCount(3, 0)).toBe(3);
    expect(restoreWaveRange(3, 0, 0)).toEqual({ from: 2, to: 3 });
  });

  it('puts every seq in the restore wave whose range holds it, last seq first', () => {
    for (const [scope, size] of [
      [25, 10],
      [7, 3],
      [10, 10],
      [4, 1],
    ] as const) {
      const order: number[] = [];
      for (let wave = 0; wave < restoreWaveCount(scope, size); wave++) {
        const { from, to } = restoreWaveRange(scope, size, wave);
        for (let seq = to - 1; seq >= from; seq--) {
          expect(restoreWaveOf(seq, scope, size)).toBe(wave);
          order.push(seq);
        }
      }
      expect(order).toEqual(Array.from({ length: scope }, (_, i) => scope - 1 - i));
    }
  });
});

describe('curtailedScope', () => {
  it('covers the targets of the curtail waves sent, at most targetCount', () => {
    const scope = (sent: number) =>
      curtailedScope(
        eventFixture({ targetCount: 25, curtailBatchSize: 10 }, { curtailWavesSent: sent }),
      );
    expect(scope(0)).toBe(0);
    expect(scope(1)).toBe(10);
    expect(scope(2)).toBe(20);
    expect(scope(3)).toBe(25);
    expect(scope(4)).toBe(25);
  });
});

describe('defaultCurtailBatchSize', () => {
  it('is 1 % of the selection clamped to 10..100', () => {
    expect(defaultCurtailBatchSize(0)).toBe(10);
    expect(defaultCurtailBatchSize(1)).toBe(10);
    expect(defaultCurtailBatchSize(1_000)).toBe(10);
    expect(defaultCurtailBatchSize(1_001)).toBe(11);
    expect(defaultCurtailBatchSize(5_000)).toBe(50);
    expect(defaultCurtailBatchSize(9_999)).toBe(100);
    expect(defaultCurtailBatchSize(10_000)).toBe(100);
    expect(defaultCurtailBatchSize(10_001)).toBe(100);
    expect(defaultCurtailBatchSize(100_000)).toBe(100);
  });
});

describe('effectiveBatchSize', () => {
  it('uses an explicit restoreBatchSize as given', () => {
    expect(effectiveBatchSize(25, 250)).toBe(25);
    expect(effectiveBatchSize(1, 250)).toBe(1);
    expect(effectiveBatchSize(500, 250)).toBe(500);
  });

  it('restores everything in one wave for 0', () => {
    expect(effectiveBatchSize(0, 250)).toBe(250);
    expect(effectiveBatchSize(0, 1)).toBe(1);
    expect(effectiveBatchSize(0, 0)).toBe(1);
  });
});

describe('viewTarget', () => {
  describe('while curtailing', () => {
    // 25 targets in waves of 10; wave 0 has gone out.
    const event = eventFixture(
      { state: 'active', targetCount: 25, curtailBatchSize: 10 },
      { curtailWavesSent: 1 },
    );

    it('shows a pending target of a sent wave as dispatched', () => {
      expect(viewTarget(event, targetFixture(0))).toStrictEqual({
        phase: 'curtail',
        state: 'dispatched',
        desiredState: 'curtailed',
        curtailWave: 0,
      });
      expect(viewTarget(event, targetFixture(9)).state).toBe('dispatched');
    });

    it('keeps a pending target of an unsent wave pending', () => {
      expect(viewTarget(event, targetFixture(10))).toStrictEqual({
        phase: 'curtail',
        state: 'pending',
        desiredState: 'curtailed',
        curtailWave: 1,
      });
      expect(viewTarget(event, targetFixture(24))).toStrictEqual({
        phase: 'curtail',
        state: 'pending',
        desiredState: 'curtailed',
        curtailWave: 2,
      });
    });

    it('shows a target that has its own state as stored', () => {
      for (const state of ['confirmed', 'curtail_failed', 'drifted', 'dispatched'] as const) {
        expect(viewTarget(event, targetFixture(3, { state }))).toStrictEqual({
          phase: 'curtail',
          state,
          desiredState: 'curtailed',
          curtailWave: 0,
        });
      }
    });

    it('shows a released target as released', () => {
      expect(viewTarget(event, targetFixture(2, { state: 'released' }))).toStrictEqual({
        phase: 'curtail',
        state: 'released',
        desiredState: 'curtailed',
        curtailWave: 0,
      });
    });

    it('shows nothing dispatched before the first wave', () => {
      const fresh = eventFixture({ state: 'pending', targetCount: 25, curtailBatchSize: 10 });
      expect(viewTarget(fresh, targetFixture(0)).state).toBe('pending');
    });
  });

  describe('while restoring', () => {
    // 25 targets, 20 curtailed (two waves of 10), restore scope 20 in waves of 8 walking back:
    // wave 0 = seq 12..19, wave 1 = seq 4..11, wave 2 = seq 0..3. Wave 0 has gone out.
    const event = eventFixture(
      {
        state: 'restoring',
        targetCount: 25,
        curtailBatchSize: 10,
        effectiveBatchSize: 8,
        restoreStartedAt: '2025-06-01T13:00:00.000Z',
      },
      { curtailWavesSent: 2, restoreScope: 20, restoreWavesSent: 1 },
    );

    it('shows a target of a sent restore wave as restore / dispatched', () => {
      expect(viewTarget(event, targetFixture(19, { state: 'confirmed' }))).toStrictEqual({
        phase: 'restore',
        state: 'dispatched',
        desiredState: 'active',
        curtailWave: 1,
        restoreWave: 0,
      });
      expect(viewTarget(event, targetFixture(12, { state: 'drifted' }))).toStrictEqual({
        phase: 'restore',
        state: 'dispatched',
        desiredState: 'active',
        curtailWave: 1,
        restoreWave: 0,
      });
    });

    it('keeps a target of an unsent restore wave in its curtail state, desired active', () => {
      expect(viewTarget(event, targetFixture(11, { state: 'confirmed' }))).toStrictEqual({
        phase: 'curtail',
        state: 'confirmed',
        desiredState: 'active',
        curtailWave: 1,
      });
      expect(viewTarget(event, targetFixture(0))).toStrictEqual({
        phase: 'curtail',
        state: 'dispatched',
        desiredState: 'active',
        curtailWave: 0,
      });
    });

    it('keeps a target outside the restore scope as stored', () => {
      expect(viewTarget(event, targetFixture(20, { state: 'released' }))).toStrictEqual({
        phase: 'curtail',
        state: 'released',
        desiredState: 'active',
        curtailWave: 2,
      });
      expect(viewTarget(event, targetFixture(24))).toStrictEqual({
        phase: 'curtail',
        state: 'pending',
        desiredState: 'active',
        curtailWave: 2,
      });
    });

    it('shows a target already in the restore phase as stored', () => {
      for (const state of ['dispatched', 'resolved', 'restore_failed'] as const) {
        expect(viewTarget(event, targetFixture(15, { phase: 'restore', state }))).toStrictEqual({
          phase: 'restore',
          state,
          desiredState: 'active',
          curtailWave: 1,
        });
      }
    });

    it('counts later restore waves once they are sent', () => {
      const later = eventFixture(event, { ...event.progress, restoreWavesSent: 2 });
      expect(viewTarget(later, targetFixture(4, { state: 'confirmed' }))).toStrictEqual({
        phase: 'restore',
        state: 'dispatched',
        desiredState: 'active',
        curtailWave: 0,
        restoreWave: 1,
      });
      expect(viewTarget(later, targetFixture(3, { state: 'confirmed' })).phase).toBe('curtail');
    });

    it('shows desired active before the restore scope is fixed', () => {
      const stopping = eventFixture(
        { state: 'restoring', targetCount: 25, curtailBatchSize: 10 },
        { curtailWavesSent: 1 },
      );
      expect(viewTarget(stopping, targetFixture(5, { state: 'confirmed' }))).toStrictEqual({
        phase: 'curtail',
        state: 'confirmed',
        desiredState: 'active',
        curtailWave: 0,
      });
    });
  });

  it('wants a target active once the restore began, even after the event ended', () => {
    const ended = eventFixture(
      { state: 'completed', restoreStartedAt: '2025-06-01T13:00:00.000Z', effectiveBatchSize: 10 },
      { curtailWavesSent: 1, restoreScope: 10, restoreWavesSent: 1 },
    );
    expect(
      viewTarget(ended, targetFixture(0, { phase: 'restore', state: 'resolved' })),
    ).toStrictEqual({
      phase: 'restore',
      state: 'resolved',
      desiredState: 'active',
      curtailWave: 0,
    });
  });
});
