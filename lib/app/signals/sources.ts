// Signal sources, managed by admins: each has its own secret (shown once), a default scope and
// a default response; rotating keeps the previous secret valid so senders can switch over.

import { createHash, randomBytes } from 'node:crypto';
import { FailedPreconditionError, NotFoundError } from '../../domain/errors';
import type { Scope } from '../../domain/plan';
import type { SignalSource, SourceResponse } from '../../domain/signal';
import { newWebhookSecret } from '../../domain/webhook-signature';
import { requireRole } from '../authz';
import type { Caller, Deps } from '../deps';

export const DEFAULT_RESPONSE: SourceResponse = {
  restoreBatchSize: 0,
  restoreBatchIntervalSec: 0,
  maxDurationSeconds: 0,
  openEndedUnbounded: true,
  priority: 'normal',
  simpleLevels: {
    '0': { mode: 'none' },
    '1': { mode: 'full_stop' },
    '2': { mode: 'full_stop' },
    '3': { mode: 'full_stop' },
  },
};

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newId = () => `src-${randomBytes(10).toString('hex').slice(0, 16)}`;
const newBearerToken = () => randomBytes(32).toString('base64url');

export async function createSource(
  deps: Deps,
  caller: Caller,
  input: {
    name: string;
    kind: SignalSource['kind'];
    defaultScope: Scope;
    response?: Partial<SourceResponse>;
  },
) {
  requireRole(caller, 'admin');
  const now = deps.clock.now().toISOString();
  const source: SignalSource = {
    orgId: caller.orgId,
    sourceId: newId(),
    name: input.name,
    kind: input.kind,
    enabled: true,
    defaultScope: input.defaultScope,
    response: {
      ...DEFAULT_RESPONSE,
      ...input.response,
      simpleLevels: { ...DEFAULT_RESPONSE.simpleLevels, ...input.response?.simpleLevels },
    },
    createdAt: now,
    updatedAt: now,
  };
  const secret = newWebhookSecret();
  const bearerToken = input.kind === 'openadr3' ? newBearerToken() : undefined;
  const ref = await deps.vault.store(caller.orgId, source.sourceId, {
    webhookSecrets: [secret],
    bearerTokenHashes: bearerToken ? [hashToken(bearerToken)] : [],
  });
  await deps.signals.createSource(source, ref);
  deps.logger.info('signal source created', { orgId: caller.orgId, sourceId: source.sourceId });
  return { source, secret, ...(bearerToken ? { bearerToken } : {}) };
}

export async function listSources(deps: Deps, caller: Caller) {
  requireRole(caller, 'admin');
  return { sources: await deps.signals.listSources(caller.orgId) };
}

async function ownSource(deps: Deps, caller: Caller, sourceId: string) {
  const found = await deps.signals.getSource(sourceId);
  if (!found || found.source.orgId !== caller.orgId) {
    throw new NotFoundError('no such signal source', 'source_not_found');
  }
  return found;
}

/** A new secret (and bearer token) becomes current; the previous one stays valid until the next rotation. */
export async function rotateSecret(deps: Deps, caller: Caller, sourceId: string) {
  requireRole(caller, 'admin');
  const { source, secretsRef } = await ownSource(deps, caller, sourceId);
  const current = await deps.vault.load(secretsRef);
  const secret = newWebhookSecret();
  const bearerToken = source.kind === 'openadr3' ? newBearerToken() : undefined;
  const ref = await deps.vault.store(caller.orgId, sourceId, {
    webhookSecrets: [secret, ...current.webhookSecrets.slice(0, 1)],
    bearerTokenHashes: bearerToken
      ? [hashToken(bearerToken), ...current.bearerTokenHashes.slice(0, 1)]
      : current.bearerTokenHashes,
  });
  await save(deps, { ...source, updatedAt: deps.clock.now().toISOString() }, ref, source.updatedAt);
  return { source, secret, ...(bearerToken ? { bearerToken } : {}) };
}

export async function disableSource(deps: Deps, caller: Caller, sourceId: string) {
  requireRole(caller, 'admin');
  const { source, secretsRef } = await ownSource(deps, caller, sourceId);
  const disabled = { ...source, enabled: false, updatedAt: deps.clock.now().toISOString() };
  await save(deps, disabled, secretsRef, source.updatedAt);
  return { source: disabled };
}

async function save(deps: Deps, source: SignalSource, ref: string, expected: string) {
  if (!(await deps.signals.saveSource(source, ref, expected))) {
    throw new FailedPreconditionError('the source changed meanwhile; retry', 'source_changed');
  }
}
