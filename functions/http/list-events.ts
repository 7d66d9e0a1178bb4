// GET /v1/events: history, newest first, in cursor pages.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { listEventsQuery } from '../../lib/adapters/http/schemas';
import { listEvents } from '../../lib/app/list-events';

export const handler = httpHandler({ role: 'viewer', query: listEventsQuery }, async (ctx) => ({
  body: await listEvents(ctx.deps, ctx.caller, {
    pageSize: ctx.query.pageSize || 50,
    states: ctx.query.state ?? [],
    ...(ctx.query.pageToken ? { pageToken: ctx.query.pageToken } : {}),
  }),
}));
