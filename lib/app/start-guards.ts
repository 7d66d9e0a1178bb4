// Guards around a start: the scheduled-start window, and idempotent replays (the key first,
// then the external pair), including waiting for a duplicate that is still claiming.

import { AlreadyExistsError, InvalidArgumentError, UnavailableError } from '../domain/errors';
import type { StartRequestFields } from '../domain/event';
import type { Deps } from './deps';

/** How long a duplicate start waits for the original to finish claiming its miners. */
const REPLAY_WAIT_MS = 20_000;

const MAX_SCHEDULE_AHEAD_MS = 7 * 24 * 3600 * 1000;

export function checkScheduledStart(at: string | undefined, now: Date) {
  if (!at) return;
  const startMs = Date.parse(at);
  if (startMs <= now.getTime()) {
    throw new InvalidArgumentError(
      'scheduledStartAt must be in the future',
      'scheduled_start_in_past',
    );
  }
  if (startMs - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
    throw new InvalidArgumentError(
      'scheduledStartAt must be at most 7 days ahead',
      'scheduled_start_too_far',
    );
  }
}

export function hasIdentity(request: StartRequestFields): boolean {
  return Boolean(request.idempotencyKey || (request.externalSource && request.externalReference));
}

/** The key is looked up first, then the external pair; a start still claiming is awaited. */
export async function findReplay(deps: Deps, orgId: string, request: StartRequestFields) {
  const channels: ('key' | 'pair')[] = [];
  if (request.idempotencyKey) channels.push('key');
  if (request.externalSource && request.externalReference) channels.push('pair');
  for (const channel of channels) {
    const giveUpAt = Date.now() + REPLAY_WAIT_MS;
    let found = await deps.events.findByIdempotency(orgId, channel, request);
    while (found?.state === 'claiming' && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      found = await deps.events.findByIdempotency(orgId, channel, request);
    }
    if (found?.state === 'claiming') {
      throw new UnavailableError(
        'an identical start is still in progress; retry',
        'start_in_progress',
      );
    }
    if (found) return found;
  }
  return undefined;
}

export async function answerWithWinner(deps: Deps, orgId: string, request: StartRequestFields) {
  const winner = await findReplay(deps, orgId, request);
  if (winner) return { event: winner, replayed: true };
  throw new AlreadyExistsError(
    'an identical start was being made at the same moment and did not complete; retry',
    'duplicate_start',
  );
}
