// The signal worker: invoked asynchronously for each recorded signal revision (and by the
// sweep for any that were never dispatched) to apply it.

import middy from '@middy/core';
import { z } from 'zod';
import { deps } from '../../lib/adapters/container';
import { flushMetrics } from '../../lib/adapters/observability';
import { applySignal } from '../../lib/app/signals/apply-signal';

const refSchema = z.object({
  orgId: z.string().min(1),
  sourceId: z.string().min(1),
  externalId: z.string().min(1),
  revision: z.number().int().min(0),
});

export const handler = middy(async (event: unknown) => applySignal(deps(), refSchema.parse(event)))
  .after(() => flushMetrics())
  .onError(() => flushMetrics());
