// Time and identity sources, injected so use cases stay deterministic under test.

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A time-ordered UUID (v7) so ids sort newest-last by key. */
  eventId(): string;
  token(): string;
}

export const systemClock: Clock = { now: () => new Date() };
