// GET /v1/events/{eventId}: one event with a page of its targets.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { eventPath, getEventQuery } from '../../lib/adapters/http/schemas';
import { getEvent } from '../../lib/app/read-events';

export const handler = httpHandler(
  { role: 'viewer', path: eventPath, query: getEventQuery },
  async (ctx) => ({
    body: await getEvent(ctx.deps, ctx.caller, ctx.path.eventId, {
      pageSize: ctx.query.targetPageSize || 500,
      ...(ctx.query.targetPageToken ? { pageToken: ctx.query.targetPageToken } : {}),
    }),
  }),
);
