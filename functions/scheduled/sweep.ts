// The reconciler sweep: an EventBridge schedule invokes it every minute on AWS, a timer does in
// the embedded stack. It stops well inside the Lambda timeout whatever the backlog.

import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { deps } from '../../lib/adapters/container';
import { flushMetrics } from '../../lib/adapters/observability';
import { runSweep } from '../../lib/app/sweep/sweep';

/** Time kept back from the Lambda timeout for the heartbeat and the metrics flush. */
const RESERVE_MS = 10_000;
const MAX_BUDGET_MS = 45_000;

export const handler = middy(
  async (event: { detail?: { resumeGraceMs?: unknown } }, context: Context) => {
    const remaining = context.getRemainingTimeInMillis?.() ?? 60_000;
    const grace = event?.detail?.resumeGraceMs;
    return runSweep(deps(), {
      budgetMs: Math.max(1_000, Math.min(MAX_BUDGET_MS, remaining - RESERVE_MS)),
      // The embedded stack's first run after boot knows nothing is running yet.
      ...(typeof grace === 'number' && grace >= 0 ? { resumeGraceMs: grace } : {}),
    });
  },
)
  .after(() => flushMetrics())
  .onError(() => flushMetrics());
