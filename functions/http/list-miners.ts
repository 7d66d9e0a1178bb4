// GET /v1/fleet/miners: the fleet inventory with latest telemetry, in pages.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { listMinersQuery } from '../../lib/adapters/http/schemas';
import { listMiners } from '../../lib/app/fleet';

export const handler = httpHandler({ role: 'viewer', query: listMinersQuery }, async (ctx) => ({
  body: await listMiners(ctx.deps, ctx.caller, {
    pageSize: ctx.query.pageSize ?? 500,
    ...(ctx.query.pageToken ? { pageToken: ctx.query.pageToken } : {}),
    ...(ctx.query.siteId ? { siteId: ctx.query.siteId } : {}),
  }),
}));
