// POST /v1/sources/{sourceId}/disable: signals from this source are refused from now on.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { sourcePath } from '../../lib/adapters/http/schemas';
import { disableSource } from '../../lib/app/signals/sources';

export const handler = httpHandler({ role: 'admin', path: sourcePath }, async (ctx) => ({
  body: await disableSource(ctx.deps, ctx.caller, ctx.path.sourceId),
}));
