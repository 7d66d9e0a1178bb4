// GET /v1/sources: the organization's signal sources (secrets are never shown again).

import { httpHandler } from '../../lib/adapters/http/middleware';
import { listSources } from '../../lib/app/signals/sources';

export const handler = httpHandler({ role: 'admin' }, async (ctx) => ({
  body: await listSources(ctx.deps, ctx.caller),
}));
