// GET /v1/health: the reconciler heartbeat age and this organization's live event count.

import { health } from '../../lib/app/health';
import { httpHandler } from '../../lib/adapters/http/middleware';

export const handler = httpHandler({ role: 'viewer' }, async (ctx) => ({
  body: await health(ctx.deps, ctx.caller),
}));
