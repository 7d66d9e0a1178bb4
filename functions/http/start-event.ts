// POST /v1/events: start a curtailment.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { startBody } from '../../lib/adapters/http/schemas';
import { eventWithTargets } from '../../lib/app/read-events';
import { startEvent } from '../../lib/app/start-event';
import { InvalidArgumentError } from '../../lib/domain/errors';

export const handler = httpHandler({ role: 'operator', body: startBody }, async (ctx) => {
  const header = ctx.headers['idempotency-key'];
  if (header !== undefined && (header.length === 0 || header.length > 256)) {
    throw new InvalidArgumentError(
      'Idempotency-Key must be 1-256 characters',
      'invalid_idempotency_key',
    );
  }
  if (header && ctx.body.idempotencyKey && header !== ctx.body.idempotencyKey) {
    throw new InvalidArgumentError(
      'the Idempotency-Key header and the idempotencyKey field differ',
      'idempotency_key_mismatch',
    );
  }
  const request = header ? { ...ctx.body, idempotencyKey: header } : ctx.body;
  const { event, replayed } = await startEvent(ctx.deps, ctx.caller, request);
  const body = await eventWithTargets(ctx.deps, event, { pageSize: 500 });
  return replayed
    ? { status: 200, body, headers: { 'idempotent-replayed': 'true' } }
    : { status: 201, body };
});
