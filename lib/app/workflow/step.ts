// What every workflow step receives from the state machine and hands back to it. Only ids,
// counters and waits travel through the workflow; everything else is read from the table.

import { z } from 'zod';

export const stepInputSchema = z.object({
  orgId: z.string().min(1),
  eventId: z.string().min(1),
  executionName: z.string().optional(),
  executionInput: z.object({ continuedFrom: z.string().optional() }).passthrough().optional(),
  step: z
    .object({ iterations: z.number().int().min(0) })
    .partial()
    .optional(),
  token: z.string().optional(),
  rev: z.number().int().optional(),
});
export type StepInput = z.infer<typeof stepInputSchema>;

export type StepNext =
  | 'curtail'
  | 'hold'
  | 'restore'
  | 'wait_start'
  | 'done'
  | 'poll'
  | 'sleep'
  | 'route';

export interface StepResult {
  next: StepNext;
  /** Seconds to wait before the next step (Wait or parked Task timeout). */
  waitSeconds: number;
  /** The event revision the step saw: a parked step wakes when it changes. */
  rev: number;
  iterations: number;
}

/** A short wait polls (Wait state); a longer one parks so a change can wake it at once. */
export const POLL_SECONDS = 1;
const PARK_ABOVE_SECONDS = 2;

export function result(input: StepInput, next: StepNext, rev: number, waitSeconds = 0): StepResult {
  const wait = Math.max(1, Math.ceil(waitSeconds));
  const parked = next === 'poll' && wait > PARK_ABOVE_SECONDS ? 'sleep' : next;
  return {
    next: parked,
    waitSeconds: Math.min(wait, 86_400),
    rev,
    iterations: (input.step?.iterations ?? 0) + 1,
  };
}
