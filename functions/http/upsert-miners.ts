// PUT /v1/fleet/miners: create or update up to 1,000 miners.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { upsertMinersBody } from '../../lib/adapters/http/schemas';
import { upsertMiners } from '../../lib/app/fleet';

export const handler = httpHandler({ role: 'operator', body: upsertMinersBody }, async (ctx) => ({
  body: await upsertMiners(ctx.deps, ctx.caller, ctx.body.miners),
}));
