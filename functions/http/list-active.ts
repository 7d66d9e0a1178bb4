// GET /v1/events/active: every pending, active or restoring event, with live rollups.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { listActive } from '../../lib/app/read-events';

export const handler = httpHandler({ role: 'viewer' }, async (ctx) => ({
  body: await listActive(ctx.deps, ctx.caller),
}));
