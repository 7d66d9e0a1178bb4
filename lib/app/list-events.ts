// History: events newest first in key-ordered pages, optionally filtered by state. Rows are
// trimmed where they are read: no targets, no rollup, no attribution, and the decision
// snapshot as counts per reason, so a page stays small however large its events are.

import { InvalidArgumentError } from '../domain/errors';
import type { EventState } from '../domain/event';
import { decodeToken, encodeToken, tokenString } from '../domain/page-token';
import type { Caller, Deps } from './deps';
import { eventView } from './views';

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function listEvents(
  deps: Deps,
  caller: Caller,
  options: { pageSize: number; pageToken?: string; states: EventState[] },
) {
  const filter = [...options.states].sort().join(',');
  const before = options.pageToken
    ? tokenString(
        decodeToken(options.pageToken, { org: caller.orgId, states: filter }),
        'before',
        EVENT_ID,
      )
    : undefined;
  // A position is the last event of the previous page: it must be one of this organization's.
  if (before && !(await deps.events.getEvent(caller.orgId, before))) {
    throw new InvalidArgumentError(
      'page token is not valid for this request',
      'invalid_page_token',
    );
  }
  const page = await deps.events.listHistory(caller.orgId, {
    pageSize: options.pageSize,
    ...(options.states.length ? { states: options.states } : {}),
    ...(before ? { beforeEventId: before } : {}),
  });
  const last = page.events.at(-1);
  return {
    events: page.events.map((event) => eventView(event, { trimAttribution: true })),
    nextPageToken:
      page.more && last
        ? encodeToken({ org: caller.orgId, states: filter, before: last.eventId })
        : null,
  };
}
