// POST /v1/sources: an admin registers a signal source; its secret is shown once.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { createSourceBody } from '../../lib/adapters/http/schemas';
import { createSource } from '../../lib/app/signals/sources';

export const handler = httpHandler({ role: 'admin', body: createSourceBody }, async (ctx) => ({
  status: 201,
  body: await createSource(ctx.deps, ctx.caller, ctx.body),
}));
