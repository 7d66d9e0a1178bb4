// POST /v1/sources/{sourceId}/rotate-secret: a new secret; the previous one stays valid until
// the next rotation so the sender can switch over.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { sourcePath } from '../../lib/adapters/http/schemas';
import { rotateSecret } from '../../lib/app/signals/sources';

export const handler = httpHandler({ role: 'admin', path: sourcePath }, async (ctx) => ({
  body: await rotateSecret(ctx.deps, ctx.caller, ctx.path.sourceId),
}));
