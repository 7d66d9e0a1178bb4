// OpenADR 3 callbacks (VEN side): the subscription check echoes its value; notifications are
// authenticated by the per-subscription bearer token, parsed by the domain's OpenADR rules and
// recorded like any other signal, ordered by modificationDateTime. A notification we cannot
// act on is refused with a clear error and recorded in the audit trail, never dropped quietly.

import { timingSafeEqual } from 'node:crypto';
import { DomainError, NotFoundError, UnauthenticatedError } from '../../domain/errors';
import { parseNotification } from '../../domain/openadr';
import { type SignalSource, SOURCE_ID } from '../../domain/signal';
import { recordAudit } from '../audit';
import type { Deps } from '../deps';
import { acceptSignal } from './receive-signal';
import { hashToken } from './sources';

export async function authenticateSubscription(
  deps: Deps,
  sourceId: string,
  authorization: string | undefined,
): Promise<SignalSource> {
  const found = SOURCE_ID.test(sourceId) ? await deps.signals.getSource(sourceId) : undefined;
  if (!found?.source.enabled || found.source.kind !== 'openadr3') {
    throw new NotFoundError('no such OpenADR subscription', 'source_not_found');
  }
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const secrets = await deps.vault.load(found.secretsRef);
  const offered = Buffer.from(hashToken(token ?? ''), 'hex');
  const match = secrets.bearerTokenHashes.some((hash) => {
    const known = Buffer.from(hash, 'hex');
    return known.length === offered.length && timingSafeEqual(known, offered);
  });
  if (!token || !match) {
    throw new UnauthenticatedError(
      'the bearer token does not match this subscription',
      'invalid_token',
    );
  }
  return found.source;
}

export async function receiveNotification(deps: Deps, source: SignalSource, body: unknown) {
  let parsed: ReturnType<typeof parseNotification>;
  try {
    parsed = parseNotification(
      body,
      { simpleLevels: source.response.simpleLevels },
      deps.clock.now(),
    );
  } catch (error) {
    if (error instanceof DomainError) {
      await recordAudit(
        deps,
        { orgId: source.orgId, eventId: `signal:${source.sourceId}` },
        'signal_received',
        { type: 'api_key', id: `source:${source.sourceId}` },
        {
          sourceId: source.sourceId,
          kind: 'openadr3',
          outcome: `rejected: ${error.reason}: ${error.message}`,
          details: error.details,
        },
      );
    }
    throw error;
  }
  const results = [];
  for (const intent of parsed.intents) {
    const answer = await acceptSignal(deps, source.orgId, source.sourceId, {
      externalId: intent.externalId,
      revision: intent.revision,
      action: intent.action,
      mode: intent.mode,
      ...(intent.valueKw !== undefined ? { valueKw: intent.valueKw } : {}),
      start: intent.start,
      ...(intent.end ? { end: intent.end } : {}),
      priority: intent.priority,
      reason: intent.reason,
    });
    results.push({ externalId: intent.externalId, action: intent.action, ...answer });
  }
  return { version: parsed.version, operation: parsed.operation, results, ignored: parsed.ignored };
}
