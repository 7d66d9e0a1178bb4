// Events, their targets and plans: every write is a compare-and-set on the stored state.

import type {
  CurtailmentEvent,
  DecisionSnapshot,
  EventState,
  Progress,
  StoredEventState,
  Target,
  TargetPhase,
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

/** One wave of commands, recorded once instead of writing every target it covers. */
export interface WaveRecord {
  phase: TargetPhase;
  wave: number;
  /** Selection positions [from, to) the wave covers. */
  from: number;
  to: number;
  /** Sends so far: 1 is the first send, each retry adds one. */
  attempt: number;
  firstSentAt: string;
  lastSentAt: string;
  settledAt?: string;
}

export interface EventStore {
  /**
   * Admission into a held event: reserves `count` positions after the current targets (only
   * for the holder of the publish lease), returning the first one, or undefined on a lost race.
   */
  reserveTargets(
    orgId: string,
    eventId: string,
    count: number,
    expectTargetCount: number,
    leaseOwner: string,
  ): Promise<number | undefined>;
  /** Claims the miners and writes their targets at the reserved positions (all or none). */
  admitTargets(event: CurtailmentEvent, targets: Target[]): Promise<boolean>;
  /** Extends the selection order; an empty id marks a position whose admission failed. */
  appendPlan(orgId: string, eventId: string, fromSeq: number, minerIds: string[]): Promise<void>;
  /** Writes the event in `claiming`, its plan, its targets and the miner claims. */
  createEvent(input: NewEvent): Promise<void>;
  /** Removes everything a failed start wrote (claims first, the event last). */
  rollbackEvent(orgId: string, eventId: string): Promise<void>;
  getEvent(orgId: string, eventId: string): Promise<StoredEvent | undefined>;
  /** The non-terminal event an Idempotency-Key or (externalSource, externalReference) names. */
  findByIdempotency(
    orgId: string,
    channel: 'key' | 'pair',
    identity: Pick<CurtailmentEvent, 'idempotencyKey' | 'externalSource' | 'externalReference'>,
  ): Promise<StoredEvent | undefined>;
  getSkipped(orgId: string, eventId: string): Promise<Skipped[]>;
  listLive(orgId: string): Promise<StoredEvent[]>;
  /** History newest first, by key: events older than `beforeEventId`, optionally by state. */
  listHistory(
    orgId: string,
    options: { states?: EventState[]; pageSize: number; beforeEventId?: string },
  ): Promise<{ events: StoredEvent[]; more: boolean }>;
  /** Every event of every organization that may still need work (the sweep's view). */
  listLiveEverywhere(): Promise<StoredEvent[]>;
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
  /** Every target's seq, phase and state (for rollups and finalizing). */
  targetStates(
    orgId: string,
    eventId: string,
  ): Promise<Pick<Target, 'minerId' | 'seq' | 'phase' | 'state' | 'curtailFailed'>[]>;
  /** Frees the claims this event still holds on the given miners; returns how many. */
  releaseClaims(orgId: string, eventId: string, minerIds: string[]): Promise<number>;
  /** Records a wave; false when it was already recorded (a repeated step). */
  putWave(orgId: string, eventId: string, wave: WaveRecord): Promise<boolean>;
  /** Records several waves at once; per wave, false when it was already recorded. */
  putWaves(orgId: string, eventId: string, waves: WaveRecord[]): Promise<boolean[]>;
  getWaves(
    orgId: string,
    eventId: string,
    phase: TargetPhase,
    waves: number[],
  ): Promise<WaveRecord[]>;
  /** Counts a resend of a wave, guarded by the attempt the caller saw. */
  retryWave(orgId: string, eventId: string, wave: WaveRecord, sentAt: string): Promise<boolean>;
  settleWave(orgId: string, eventId: string, wave: WaveRecord, settledAt: string): Promise<void>;
  /** Applies guarded target updates; returns the miner ids whose update won. */
  updateTargets(orgId: string, eventId: string, updates: TargetUpdate[]): Promise<Set<string>>;
}

export type { DecisionSnapshot };
