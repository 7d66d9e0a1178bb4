// POST /v1/events/{eventId}/force-release: end a live event and let its miners go without
// restore commands (the last resort when restore cannot run).

import { httpHandler } from '../../lib/adapters/http/middleware';
import { eventPath, releaseBody } from '../../lib/adapters/http/schemas';
import { forceRelease } from '../../lib/app/end-event';
import { eventWithTargets } from '../../lib/app/read-events';

export const handler = httpHandler(
  { role: 'admin', path: eventPath, body: releaseBody },
  async (ctx) => {
    const outcome = await forceRelease(ctx.deps, ctx.caller, ctx.path.eventId, ctx.body.reason);
    const view = await eventWithTargets(ctx.deps, outcome.event, { pageSize: 500 });
    return { body: { ...view, releasedTargetCount: outcome.releasedTargetCount } };
  },
);
