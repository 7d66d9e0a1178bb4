// GET /v1/settings: the organization's curtailment settings (defaults until changed).

import { httpHandler } from '../../lib/adapters/http/middleware';
import { getSettings } from '../../lib/app/settings';

export const handler = httpHandler({ role: 'viewer' }, async (ctx) => ({
  body: { settings: await getSettings(ctx.deps, ctx.caller) },
}));
