// Signals in: check the Standard Webhooks signature against the raw body, record the revision
// durably (older and repeated revisions are acknowledged and change nothing), hand it to the
// worker and answer at once. Anything not signed by an enabled source is refused before
// anything is read from its body or stored.

import { InvalidArgumentError, UnauthenticatedError } from '../../domain/errors';
import { type Signal, SOURCE_ID } from '../../domain/signal';
import { verifySignature } from '../../domain/webhook-signature';
import type { SignalRecord } from '../../ports/signal-store';
import type { Deps } from '../deps';

export interface SignedRequest {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

const refused = () =>
  new UnauthenticatedError('the signal is not signed by an enabled source', 'invalid_signature');

export async function authenticateSource(deps: Deps, sourceId: string, request: SignedRequest) {
  const found = SOURCE_ID.test(sourceId) ? await deps.signals.getSource(sourceId) : undefined;
  if (!found?.source.enabled) throw refused();
  const secrets = await deps.vault.load(found.secretsRef);
  const verdict = verifySignature({
    secrets: secrets.webhookSecrets,
    id: request.headers['webhook-id'],
    timestamp: request.headers['webhook-timestamp'],
    signature: request.headers['webhook-signature'],
    body: request.body,
    nowSec: Math.floor(deps.clock.now().getTime() / 1000),
  });
  if (!verdict.ok) {
    deps.logger.warn('signal refused', { sourceId, reason: verdict.reason });
    throw refused();
  }
  return found.source;
}

/** Records a parsed signal and queues it; the answer says whether it will be applied. */
export async function acceptSignal(deps: Deps, orgId: string, sourceId: string, signal: Signal) {
  const record: SignalRecord = {
    orgId,
    sourceId,
    externalId: signal.externalId,
    revision: signal.revision,
    signal,
    receivedAt: deps.clock.now().toISOString(),
    status: 'received',
  };
  const outcome = await deps.signals.recordSignal(record);
  if (outcome !== 'recorded') {
    return {
      applied: false,
      reason: outcome === 'duplicate' ? 'duplicate_revision' : 'older_revision',
    };
  }
  try {
    await deps.signalQueue.enqueue(record);
  } catch (error) {
    // The signal is recorded; the sweep applies what was never dispatched.
    deps.logger.error('signal dispatch failed', {
      sourceId,
      externalId: signal.externalId,
      error: String(error),
    });
  }
  return { applied: true, status: 'accepted' as const };
}

/** Starts further ahead than this are refused at once rather than after the answer. */
const MAX_AHEAD_MS = 7 * 24 * 3600 * 1000;

export function requireValue(signal: Signal, now: Date): void {
  const needsValue =
    (signal.action === 'curtail' || signal.action === 'update') && signal.mode !== 'full_stop';
  if (needsValue && signal.valueKw === undefined) {
    throw new InvalidArgumentError(`valueKw is required for ${signal.mode}`, 'validation_failed', {
      issues: [{ field: 'body.valueKw', message: `required for ${signal.mode}` }],
    });
  }
  const aheadMs = signal.start ? Date.parse(signal.start) - now.getTime() : 0;
  if (signal.action !== 'cancel' && signal.action !== 'restore' && aheadMs > MAX_AHEAD_MS) {
    throw new InvalidArgumentError('start must be at most 7 days ahead', 'validation_failed', {
      issues: [{ field: 'body.start', message: 'must be at most 7 days ahead' }],
    });
  }
  if (signal.start && signal.end && Date.parse(signal.end) <= Date.parse(signal.start)) {
    throw new InvalidArgumentError('end must be after start', 'validation_failed', {
      issues: [{ field: 'body.end', message: 'must be after start' }],
    });
  }
}
