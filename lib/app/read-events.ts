// Reading events: one event with a page of targets, and the live list with rollups.

import { NotFoundError } from '../domain/errors';
import type { CurtailmentEvent } from '../domain/event';
import { decodeToken, encodeToken, tokenString } from '../domain/page-token';
import type { Caller, Deps } from './deps';
import { eventView, rollupOf, targetView, wavesFor } from './views';

const MINER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function loadVisibleEvent(deps: Deps, orgId: string, eventId: string) {
  const event = await deps.events.getEvent(orgId, eventId);
  // A half-claimed start is not an event yet; another organization's id is simply unknown.
  if (!event || event.state === 'claiming') {
    throw new NotFoundError('no such event', 'event_not_found');
  }
  return event;
}

export async function targetPage(
  deps: Deps,
  event: CurtailmentEvent,
  options: { pageSize: number; pageToken?: string },
) {
  const after = options.pageToken
    ? tokenString(
        decodeToken(options.pageToken, { org: event.orgId, event: event.eventId }),
        'after',
        MINER_ID,
      )
    : undefined;
  const page = await deps.events.listTargets(event.orgId, event.eventId, {
    pageSize: options.pageSize,
    ...(after ? { afterMinerId: after } : {}),
  });
  const needed = wavesFor(event, page.targets);
  const [curtail, restore] = await Promise.all([
    deps.events.getWaves(event.orgId, event.eventId, 'curtail', needed.curtail),
    deps.events.getWaves(event.orgId, event.eventId, 'restore', needed.restore),
  ]);
  const waves = {
    curtail: new Map(curtail.map((wave) => [wave.wave, wave])),
    restore: new Map(restore.map((wave) => [wave.wave, wave])),
  };
  return {
    targets: page.targets.map((target) => targetView(event, target, waves)),
    nextTargetPageToken: page.nextPageToken
      ? encodeToken({ org: event.orgId, event: event.eventId, after: page.nextPageToken })
      : undefined,
  };
}

export async function eventWithTargets(
  deps: Deps,
  event: CurtailmentEvent,
  options: { pageSize: number; pageToken?: string },
) {
  const [page, states, skipped] = await Promise.all([
    targetPage(deps, event, options),
    deps.events.targetStates(event.orgId, event.eventId),
    deps.events.getSkipped(event.orgId, event.eventId),
  ]);
  return {
    event: eventView(event, { rollup: rollupOf(event, states), targets: page.targets, skipped }),
    nextTargetPageToken: page.nextTargetPageToken ?? null,
  };
}

export async function getEvent(
  deps: Deps,
  caller: Caller,
  eventId: string,
  options: { pageSize: number; pageToken?: string },
) {
  const event = await loadVisibleEvent(deps, caller.orgId, eventId);
  return eventWithTargets(deps, event, options);
}

export async function listActive(deps: Deps, caller: Caller) {
  const events = await deps.events.listLive(caller.orgId);
  const views = await Promise.all(
    events.map(async (event) => {
      const states = await deps.events.targetStates(event.orgId, event.eventId);
      return eventView(event, {
        rollup: rollupOf(event, states),
        trimAttribution: true,
        withSnapshot: false,
      });
    }),
  );
  return { events: views };
}
