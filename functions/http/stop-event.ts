// POST /v1/events/{eventId}/stop: begin the staged restore.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { eventPath, stopBody } from '../../lib/adapters/http/schemas';
import { eventWithTargets } from '../../lib/app/read-events';
import { stopEvent } from '../../lib/app/stop-event';

export const handler = httpHandler(
  { role: 'operator', path: eventPath, body: stopBody },
  async (ctx) => {
    const { event } = await stopEvent(ctx.deps, ctx.caller, ctx.path.eventId, {
      force: ctx.body.force ?? false,
    });
    return { body: await eventWithTargets(ctx.deps, event, { pageSize: 500 }) };
  },
);
