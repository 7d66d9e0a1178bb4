// The heartbeat watchdog: a separate small function on its own schedule, so a dead or crash-
// looping sweep is still seen as a growing HeartbeatAgeSeconds.

import middy from '@middy/core';
import { deps } from '../../lib/adapters/container';
import { flushMetrics } from '../../lib/adapters/observability';
import { watchdog } from '../../lib/app/health';

export const handler = middy(async () => watchdog(deps()))
  .after(() => flushMetrics())
  .onError(() => flushMetrics());
