// Reading the audit trail: newest first, by cursor, optionally for one event.

import { decodeToken, encodeToken, tokenString } from '../domain/page-token';
import type { Caller, Deps } from './deps';

const POSITION = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#[0-9a-f-]{36}$/;

export async function listAudit(
  deps: Deps,
  caller: Caller,
  options: { eventId?: string; pageSize: number; pageToken?: string },
) {
  const before = options.pageToken
    ? tokenString(
        decodeToken(options.pageToken, { org: caller.orgId, event: options.eventId }),
        'before',
        POSITION,
      )
    : undefined;
  const page = await deps.audit.list(caller.orgId, {
    pageSize: options.pageSize,
    ...(options.eventId ? { eventId: options.eventId } : {}),
    ...(before ? { before } : {}),
  });
  return {
    rows: page.rows,
    nextPageToken:
      page.more && page.last
        ? encodeToken({ org: caller.orgId, event: options.eventId, before: page.last })
        : null,
  };
}
