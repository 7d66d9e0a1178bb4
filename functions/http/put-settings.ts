// PUT /v1/settings: an admin changes some or all settings.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { settingsBody } from '../../lib/adapters/http/schemas';
import { putSettings } from '../../lib/app/settings';

export const handler = httpHandler({ role: 'admin', body: settingsBody }, async (ctx) => ({
  body: { settings: await putSettings(ctx.deps, ctx.caller, ctx.body) },
}));
