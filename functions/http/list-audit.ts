// GET /v1/audit: the audit trail, newest first, optionally for one event.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { auditQuery } from '../../lib/adapters/http/schemas';
import { listAudit } from '../../lib/app/audit-query';

export const handler = httpHandler({ role: 'viewer', query: auditQuery }, async (ctx) => ({
  body: await listAudit(ctx.deps, ctx.caller, {
    pageSize: ctx.query.pageSize ?? 50,
    ...(ctx.query.eventId ? { eventId: ctx.query.eventId } : {}),
    ...(ctx.query.pageToken ? { pageToken: ctx.query.pageToken } : {}),
  }),
}));
