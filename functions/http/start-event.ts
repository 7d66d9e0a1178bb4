// POST /v1/events: start a curtailment.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { startBody } from '../../lib/adapters/http/schemas';
import { eventWithTargets } from '../../lib/app/read-events';
import { startEvent } from '../../lib/app/start-event';

export const handler = httpHandler({ role: 'operator', body: startBody }, async (ctx) => {
  const event = await startEvent(ctx.deps, ctx.caller, ctx.body);
  return { status: 201, body: await eventWithTargets(ctx.deps, event, { pageSize: 500 }) };
});
