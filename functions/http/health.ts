// GET /v1/health: the reconciler heartbeat age and this organization's live event count.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { health } from '../../lib/app/health';

export const handler = httpHandler({ role: 'viewer' }, async (ctx) => ({
  body: await health(ctx.deps, ctx.caller),
}));
