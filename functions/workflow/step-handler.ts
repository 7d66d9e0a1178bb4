// Wraps a workflow step use case as a Lambda handler: validates the state machine's input,
// tags logs with the event, and flushes metrics.

import middy from '@middy/core';
import { deps } from '../../lib/adapters/container';
import { flushMetrics, logger } from '../../lib/adapters/observability';
import type { Deps } from '../../lib/app/deps';
import { type StepInput, stepInputSchema } from '../../lib/app/workflow/step';

export function stepHandler<R>(name: string, run: (deps: Deps, input: StepInput) => Promise<R>) {
  return middy(async (event: unknown): Promise<R> => {
    const input = stepInputSchema.parse(event);
    try {
      return await run(deps(), input);
    } catch (error) {
      logger.error('workflow step failed', {
        step: name,
        eventId: input.eventId,
        error:
          error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      throw error;
    }
  })
    .after(() => flushMetrics())
    .onError(() => flushMetrics());
}
