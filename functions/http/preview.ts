// POST /v1/preview: plan a curtailment without persisting anything.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { previewBody } from '../../lib/adapters/http/schemas';
import { preview } from '../../lib/app/plan';

export const handler = httpHandler({ role: 'operator', body: previewBody }, async (ctx) => {
  const plan = await preview(ctx.deps, ctx.caller, ctx.body);
  return {
    body: {
      candidates: plan.candidates.map(({ hashrateThs: _hashrate, ...candidate }) => ({
        ...candidate,
        efficiencyJth: candidate.efficiencyJth ?? null,
      })),
      estimatedReductionKw: plan.estimatedReductionKw,
      estimatedRemainingPowerKw: plan.estimatedRemainingPowerKw,
      skipped: plan.skipped,
      skippedAggregate: plan.skippedAggregate,
      mode: plan.mode,
      targetKw: plan.targetKw ?? null,
      toleranceKw: plan.toleranceKw,
      candidateMinPowerW: plan.candidateMinPowerW,
    },
  };
});
