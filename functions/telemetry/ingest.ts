// Telemetry in: invoked by the IoT Core topic rule on AWS (the rule adds the topic to the
// payload) and by the broker subscription in the embedded stack.

import middy from '@middy/core';
import { deps } from '../../lib/adapters/container';
import { flushMetrics } from '../../lib/adapters/observability';
import { ingestTelemetry, MaterialityFilter } from '../../lib/app/ingest-telemetry';

/** A miner's sample is rewritten at least this often even when nothing changed. */
const REFRESH_MS = 120_000;
const filter = new MaterialityFilter(REFRESH_MS);

export const handler = middy(async (event: { topic?: unknown } & Record<string, unknown>) => {
  const { topic, ...payload } = event;
  return ingestTelemetry(deps(), filter, typeof topic === 'string' ? topic : '', payload);
})
  .after(() => flushMetrics())
  .onError(() => flushMetrics());
