// Signal sources and the latest revision of every signal they sent.

import type { Signal, SignalSource, SourceSecrets } from '../domain/signal';

export type SignalStatus = 'received' | 'applied' | 'failed';

export interface SignalRecord {
  orgId: string;
  sourceId: string;
  externalId: string;
  revision: number;
  signal: Signal;
  receivedAt: string;
  status: SignalStatus;
  eventId?: string;
  outcome?: string;
}

export interface SignalStore {
  createSource(source: SignalSource, secretsRef: string): Promise<void>;
  /** Sources are found by id alone: a signal arrives without any other tenant context. */
  getSource(sourceId: string): Promise<{ source: SignalSource; secretsRef: string } | undefined>;
  listSources(orgId: string): Promise<SignalSource[]>;
  saveSource(source: SignalSource, secretsRef: string, expectUpdatedAt: string): Promise<boolean>;
  /** Stores a revision only if it is newer than the stored one. */
  recordSignal(record: SignalRecord): Promise<'recorded' | 'duplicate' | 'stale'>;
  getSignal(orgId: string, sourceId: string, externalId: string): Promise<SignalRecord | undefined>;
  settleSignal(
    record: SignalRecord,
    status: SignalStatus,
    result: { eventId?: string; outcome: string },
  ): Promise<void>;
  /** Signals recorded but not applied yet (the sweep's safety net for lost dispatches). */
  listUnapplied(olderThan: string): Promise<SignalRecord[]>;
}

/** Keeps source secrets encrypted: Secrets Manager on AWS, a local key file in the stack. */
export interface SecretVault {
  store(orgId: string, sourceId: string, secrets: SourceSecrets): Promise<string>;
  load(ref: string): Promise<SourceSecrets>;
}

/** Hands a recorded signal to the worker that applies it, after the sender has its answer. */
export interface SignalQueue {
  enqueue(ref: Pick<SignalRecord, 'orgId' | 'sourceId' | 'externalId' | 'revision'>): Promise<void>;
}
