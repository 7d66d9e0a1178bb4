// The shapes an OpenADR 3 notification is turned into. Kept apart from the parser so that the
// timing and payload modules can share them without importing each other.

export type SignalMode = 'reduce_by_kw' | 'site_cap_kw' | 'full_stop';
export type PlanMode = SignalMode | 'none';

/** How a source turns SIMPLE levels (0..3) into curtailment; keys are the level as a string. */
export interface SimpleLevelMapping {
  [level: string]: { mode: SignalMode; valueKw?: number } | { mode: 'none' };
}

export interface OpenAdrConfig {
  simpleLevels: SimpleLevelMapping;
}

export interface PlanInterval {
  start: string;
  /** Absent when the interval never ends. */
  end?: string;
  mode: PlanMode;
  valueKw?: number;
  /** The VTN's interval id, which reports must echo. */
  id?: number | string;
  /** Kept for the record only: our own batching already staggers the fleet. */
  randomizeStart?: string;
}

export interface SignalIntent {
  externalId: string;
  revision: number;
  action: 'curtail' | 'update' | 'cancel';
  mode: SignalMode;
  valueKw?: number;
  start: string;
  end?: string;
  priority: 'normal' | 'emergency';
  reason: string;
  intervals: PlanInterval[];
}

export interface ParsedNotification {
  version: '3.0' | '3.1';
  operation: string;
  intents: SignalIntent[];
  ignored: { objectType: string; reason: string }[];
}

/** One resolved step of the plan, in epoch milliseconds; endMs undefined = open-ended. */
export interface PlanStep {
  startMs: number;
  endMs: number | undefined;
  mode: PlanMode;
  valueKw?: number;
  emergency: boolean;
  id?: number | string;
  randomizeStart?: string;
}
