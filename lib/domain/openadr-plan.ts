// Builds an event's step plan (resolved intervals × payloads, then event.duration) and reduces
// it to the one window and set-point an event in curtail can carry.

import { fail, type JsonObject, path } from './openadr-json';
import { evaluatePayloads, type Obligation, readPowerUnits, stronger } from './openadr-payload';
import { endOf, readDuration, resolveIntervals } from './openadr-time';
import type { OpenAdrConfig, PlanStep, SignalMode } from './openadr-types';

/** Packed values, or a short cycle looped over a long event.duration, must not grow unbounded. */
export const MAX_PLAN_STEPS = 5000;

export interface Plan {
  steps: PlanStep[];
  /** event.duration P9999Y over bounded intervals: the steps repeat for ever. */
  forever: boolean;
  notes: { objectType: string; reason: string }[];
}

function readId(raw: JsonObject): number | string | undefined {
  const id = raw.id;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

export function buildPlan(
  event: JsonObject,
  at: string,
  config: OpenAdrConfig,
  nowMs: number,
): Plan {
  const units = readPowerUnits(event, at);
  const notes: Plan['notes'] = [];
  const steps: PlanStep[] = [];
  for (const interval of resolveIntervals(event, at, nowMs)) {
    const evaluated = evaluatePayloads(interval.raw, interval.at, units, config);
    notes.push(...evaluated.notes);
    const count = evaluated.steps.length;
    if (count > 1 && interval.endMs === undefined) {
      fail(path(interval.at, 'payloads'), 'packs several values into an interval that never ends');
    }
    const length = (interval.endMs ?? interval.startMs) - interval.startMs;
    evaluated.steps.forEach((obligation, position) => {
      const startMs = interval.startMs + Math.round((length * position) / count);
      const endMs =
        interval.endMs === undefined || position === count - 1
          ? interval.endMs
          : interval.startMs + Math.round((length * (position + 1)) / count);
      steps.push({
        startMs,
        endMs,
        ...obligation,
        id: readId(interval.raw),
        randomizeStart: interval.randomizeStart,
      });
    });
    if (steps.length > MAX_PLAN_STEPS) {
      fail(path(at, 'intervals'), `expands into more than ${MAX_PLAN_STEPS} steps`);
    }
  }
  return { ...applyEventDuration(steps, event, at), notes };
}

function clip(steps: PlanStep[], limitMs: number): PlanStep[] {
  return steps
    .filter((step) => step.startMs < limitMs)
    .map((step) => ({ ...step, endMs: Math.min(step.endMs ?? limitMs, limitMs) }));
}

/**
 * event.duration (3.1) shortens the plan when it ends before the intervals do, and repeats the
 * intervals when it ends after them. The cycle is the span from the first start to the last
 * end, repeated as elapsed time; P9999Y repeats it for ever.
 */
function applyEventDuration(steps: PlanStep[], event: JsonObject, at: string) {
  const raw = event.duration;
  if (raw === undefined || raw === null || steps.length === 0) return { steps, forever: false };
  const field = path(at, 'duration');
  const limit = readDuration(raw, field);
  const anchorMs = Math.min(...steps.map((step) => step.startMs));
  const bounded = steps.every((step) => step.endMs !== undefined);
  const spanEndMs = bounded ? Math.max(...steps.map((step) => step.endMs ?? 0)) : undefined;
  const limitMs = endOf(anchorMs, limit);
  if (limitMs === undefined) {
    return { steps, forever: spanEndMs !== undefined && spanEndMs > anchorMs };
  }
  if (spanEndMs === undefined || spanEndMs >= limitMs) {
    return { steps: clip(steps, limitMs), forever: false };
  }
  const cycleMs = spanEndMs - anchorMs;
  if (cycleMs <= 0) return { steps, forever: false };
  const repeated: PlanStep[] = [];
  for (let shift = 0; anchorMs + shift < limitMs; shift += cycleMs) {
    for (const step of steps) {
      repeated.push({ ...step, startMs: step.startMs + shift, endMs: (step.endMs ?? 0) + shift });
    }
    if (repeated.length > MAX_PLAN_STEPS) {
      fail(field, `repeats the intervals into more than ${MAX_PLAN_STEPS} steps`);
    }
  }
  return { steps: clip(repeated, limitMs), forever: false };
}

export interface CurtailWindow {
  startMs: number;
  endMs: number | undefined;
  mode: SignalMode;
  valueKw?: number;
  emergency: boolean;
}

/**
 * The window still to be honoured: from the first active step that has not ended (the spec's
 * "skip ahead") to the end of the last active one, holding through any gaps between them. The
 * set-point is the most demanding one left in that window, since one event carries a single
 * set-point and under-delivering on a grid obligation is the costlier mistake. Zero-length
 * steps are not active. undefined when nothing active is left, which the caller turns into a
 * cancel.
 */
export function curtailWindow(plan: Plan, nowMs: number): CurtailWindow | undefined {
  const active = plan.steps.filter(
    (step) => step.mode !== 'none' && (step.endMs === undefined || step.endMs > step.startMs),
  );
  const left = plan.forever
    ? active
    : active.filter((step) => step.endMs === undefined || step.endMs > nowMs);
  if (left.length === 0) return undefined;
  const none: Obligation = { mode: 'none', emergency: false };
  const strongest = left.reduce<Obligation>(stronger, none);
  if (strongest.mode === 'none') return undefined;
  const open = plan.forever || left.some((step) => step.endMs === undefined);
  return {
    startMs: Math.min(...left.map((step) => step.startMs)),
    endMs: open ? undefined : Math.max(...left.map((step) => step.endMs ?? 0)),
    mode: strongest.mode,
    valueKw: strongest.valueKw,
    emergency: strongest.emergency,
  };
}
