// OpenADR 3 callbacks (VEN side): the subscription check echoes its value; notifications are
// authenticated by the per-subscription bearer token, parsed by the domain's OpenADR rules and
// recorded like any other signal, ordered by modificationDateTime. A notification we cannot
// act on is refused with a clear error and recorded in the audit trail, never dropped quietly.

import { timingSafeEqual } from 'node:crypto';
import { DomainError, UnauthenticatedError } from '../../domain/errors';
import { parseNotification } from '../../domain/openadr';
import { type Signal, type SignalSource, SOURCE_ID } from '../../domain/signal';
import { recordAudit } from '../audit';
import type { Deps } from '../deps';
import { acceptSignal, requireValue } from './receive-signal';
import { hashToken } from './sources';

export async function authenticateSubscription(
  deps: Deps,
  sourceId: string,
  authorization: string | undefined,
): Promise<SignalSource> {
  const found = SOURCE_ID.test(sourceId) ? await deps.signals.getSource(sourceId) : undefined;
  // Unknown, disabled and wrong-kind sources answer like a wrong token: no existence oracle.
  const refused = new UnauthenticatedError(
    'the bearer token does not match this subscription',
    'invalid_token',
  );
  if (!found?.source.enabled || found.source.kind !== 'openadr3') throw refused;
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
  // Every intent is checked before any is recorded, so a notification is applied whole or not.
  const signals: Signal[] = parsed.intents.map((intent) => ({
    externalId: intent.externalId,
    revision: intent.revision,
    action: intent.action,
    mode: intent.mode,
    ...(intent.valueKw !== undefined ? { valueKw: intent.valueKw } : {}),
    start: intent.start,
    ...(intent.end ? { end: intent.end } : {}),
    priority: intent.priority,
    reason: intent.reason,
  }));
  for (const signal of signals) requireValue(signal, deps.clock.now());
  const results = [];
  for (const signal of signals) {
    const answer = await acceptSignal(deps, source.orgId, source.sourceId, signal);
    results.push({ externalId: signal.externalId, action: signal.action, ...answer });
  }
  return { version: parsed.version, operation: parsed.operation, results, ignored: parsed.ignored };
}
