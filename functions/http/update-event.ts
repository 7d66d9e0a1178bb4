// PATCH /v1/events/{eventId}: adjust a pending or active event.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { eventPath, updateBody } from '../../lib/adapters/http/schemas';
import { eventWithTargets } from '../../lib/app/read-events';
import { updateEvent } from '../../lib/app/update-event';

export const handler = httpHandler(
  { role: 'operator', path: eventPath, body: updateBody },
  async (ctx) => {
    const { event } = await updateEvent(ctx.deps, ctx.caller, ctx.path.eventId, ctx.body);
    return { body: await eventWithTargets(ctx.deps, event, { pageSize: 500 }) };
  },
);
