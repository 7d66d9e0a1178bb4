// Events, their targets and plans: every write is a compare-and-set on the stored state.

import type {
  CurtailmentEvent,
  DecisionSnapshot,
  EventState,
  Progress,
  Rollup,
  StoredEventState,
  Target,
} from '../domain/event';
import type { Skipped } from '../domain/plan';

export interface NewEvent {
  event: CurtailmentEvent;
  targets: Target[];
  skipped: Skipped[];
}

export interface TargetPage {
  targets: Target[];
  nextPageToken: string | undefined;
}

/** A target change guarded by the state (and command id) the writer last saw. */
export interface TargetUpdate {
  minerId: string;
  expect: { phase: Target['phase']; state: Target['state']; commandId?: string };
  set: Partial<Omit<Target, 'minerId' | 'siteId' | 'seq'>>;
  /** Releases the miner's claim in the same write (the target is finished). */
  releaseClaim?: boolean;
}

export interface EventPatch {
  expectStates: StoredEventState[];
  /** Fails while a wave holds the publish lease, so nothing is sent after the change. */
  requireNoLease?: boolean;
  set: Partial<Omit<CurtailmentEvent, 'orgId' | 'eventId' | 'rev'>>;
  /** Removes the stored wake token (the workflow was woken). */
  clearWakeToken?: boolean;
}

export interface StoredEvent extends CurtailmentEvent {
  wakeToken?: string;
  lease?: { owner: string; expiresAt: string };
  executionName?: string;
}

export interface EventStore {
  /** Writes the event in `claiming`, its plan, its targets and the miner claims. */
  createEvent(input: NewEvent): Promise<void>;
  /** Removes everything a failed start wrote (claims first, the event last). */
  rollbackEvent(orgId: string, eventId: string): Promise<void>;
  getEvent(orgId: string, eventId: string): Promise<StoredEvent | undefined>;
  getSkipped(orgId: string, eventId: string): Promise<Skipped[]>;
  listLive(orgId: string): Promise<StoredEvent[]>;
  /** Conditional patch; throws StateRaceLostError carrying the current item on a lost race. */
  patchEvent(orgId: string, eventId: string, patch: EventPatch): Promise<StoredEvent>;
  /** Saves workflow progress; only the holder of the publish lease may. */
  setProgress(
    orgId: string,
    eventId: string,
    progress: Progress,
    leaseOwner: string,
  ): Promise<boolean>;
  storeWakeToken(orgId: string, eventId: string, token: string, rev: number): Promise<boolean>;
  recordExecution(orgId: string, eventId: string, executionName: string): Promise<void>;
  acquireLease(
    orgId: string,
    eventId: string,
    owner: string,
    ttlMs: number,
    states: EventState[],
  ): Promise<boolean>;
  releaseLease(orgId: string, eventId: string, owner: string): Promise<void>;
  /** Miner ids in selection order for positions [from, to). */
  planSlice(orgId: string, eventId: string, from: number, to: number): Promise<string[]>;
  getTargets(orgId: string, eventId: string, minerIds: string[]): Promise<Target[]>;
  listTargets(
    orgId: string,
    eventId: string,
    options: { pageSize: number; afterMinerId?: string },
  ): Promise<TargetPage>;
  rollup(orgId: string, eventId: string): Promise<Rollup>;
  /** Applies guarded target updates; returns the miner ids whose update won. */
  updateTargets(orgId: string, eventId: string, updates: TargetUpdate[]): Promise<Set<string>>;
}

export type { DecisionSnapshot };
