// A complete stored event for unit tests of the pure wave and view functions.

import type { CurtailmentEvent, Progress, Target } from '../../lib/domain/event';

export function eventFixture(
  overrides: Partial<CurtailmentEvent> = {},
  progress: Partial<Progress> = {},
): CurtailmentEvent {
  return {
    orgId: 'org-1',
    eventId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    state: 'active',
    mode: 'full_fleet',
    strategy: 'least_efficient_first',
    level: 'full',
    priority: 'normal',
    scope: { type: 'org' },
    reason: 'test',
    maxDurationSeconds: 14_400,
    allowUnbounded: false,
    restoreBatchSize: 0,
    restoreBatchIntervalSec: 0,
    effectiveBatchSize: 10,
    curtailBatchSize: 10,
    curtailBatchIntervalSec: 0,
    minCurtailedDurationSec: 0,
    includeMaintenance: false,
    forceIncludeMaintenance: false,
    postEventCooldownSec: 0,
    createdAt: '2025-06-01T12:00:00.000Z',
    updatedAt: '2025-06-01T12:00:00.000Z',
    actor: { type: 'user', id: 'user-1' },
    targetCount: 10,
    decision: {
      candidateMinPowerW: 1_500,
      selectedCount: 10,
      skippedCount: 0,
      skippedAggregate: {},
      estimatedReductionKw: 30,
      estimatedRemainingPowerKw: 0,
      selectedAt: '2025-06-01T12:00:00.000Z',
    },
    rev: 1,
    ...overrides,
    progress: { curtailWavesSent: 0, curtailOpenWave: 0, restoreWavesSent: 0, ...progress },
  };
}

export function targetFixture(seq: number, overrides: Partial<Target> = {}): Target {
  return {
    minerId: `m-${String(seq).padStart(3, '0')}`,
    siteId: 'site-1',
    seq,
    phase: 'curtail',
    state: 'pending',
    retryCount: 0,
    ...overrides,
  };
}
