// POST /v1/events/{eventId}/admin-terminate: force a stuck event to cancelled or failed.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { eventPath, terminateBody } from '../../lib/adapters/http/schemas';
import { adminTerminate } from '../../lib/app/end-event';
import { eventWithTargets } from '../../lib/app/read-events';

export const handler = httpHandler(
  { role: 'admin', path: eventPath, body: terminateBody },
  async (ctx) => {
    const outcome = await adminTerminate(ctx.deps, ctx.caller, ctx.path.eventId, ctx.body);
    const view = await eventWithTargets(ctx.deps, outcome.event, { pageSize: 500 });
    return { body: { ...view, transitioned: outcome.transitioned } };
  },
);
