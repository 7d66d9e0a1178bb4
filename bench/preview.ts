// Preview figures: the selector alone over in-memory miners (pure CPU), and the preview use
// case end to end (settings and the whole org fleet read from DynamoDB Local, then selected).

import type { Stack } from '../infra/local/stack';
import type { Caller } from '../lib/app/deps';
import { preview } from '../lib/app/plan';
import type { Miner } from '../lib/domain/fleet';
import type { PlanRequest } from '../lib/domain/plan';
import { selectMiners } from '../lib/domain/selector';
import { DEFAULT_SETTINGS } from '../lib/domain/settings';
import { log, timed } from './measure';
import { type Figures, median } from './stats';

/** Shed 40 % of the fleet's nominal load, the demo's request. */
export function previewRequest(miners: { nominalPowerW: number }[]): PlanRequest {
  const totalKw = miners.reduce((sum, m) => sum + m.nominalPowerW, 0) / 1000;
  return {
    scope: { type: 'org' },
    mode: 'fixed_kw',
    targetKw: Math.round(totalKw * 0.4),
    toleranceKw: 0,
    strategy: 'least_efficient_first',
    level: 'full',
    priority: 'normal',
    includeMaintenance: false,
    forceIncludeMaintenance: false,
    postEventCooldownSec: 0,
  };
}

export function defineSelectorFigures(figures: Figures, size: string) {
  figures.define(`selector.${size}.cpu`, `preview ${size}: selector alone, CPU`, 'ms');
  figures.define(`selector.${size}.wall`, `preview ${size}: selector alone, wall`, 'ms');
}

export async function benchSelector(figures: Figures, size: string, miners: Miner[], runs: number) {
  defineSelectorFigures(figures, size);
  const request = previewRequest(miners);
  const now = new Date();
  const select = () =>
    selectMiners({
      request,
      miners,
      candidateMinPowerW: DEFAULT_SETTINGS.candidateMinPowerW,
      now,
    });
  select(); // warm-up: JIT and inline caches
  let selected = 0;
  for (let run = 0; run < runs; run++) {
    const t = await timed(select);
    selected = t.value.candidates.length;
    figures.add(`selector.${size}.cpu`, t.cpuMs);
    figures.add(`selector.${size}.wall`, t.wallMs);
  }
  log(`  selector ${size}: ${selected} of ${miners.length} selected`);
}

export async function benchPreview(
  figures: Figures,
  stack: Stack,
  orgId: string,
  size: string,
  runs: number,
) {
  const key = `preview.${size}`;
  figures.define(`${key}.wall`, `preview ${size}: end to end (DynamoDB Local), wall`, 'ms');
  figures.define(`${key}.cpu`, `preview ${size}: end to end, CPU in Node`, 'ms');
  figures.define(`${key}.jvm`, `preview ${size}: end to end, CPU in DynamoDB Local`, 'ms');
  const caller: Caller = { orgId, role: 'operator', actor: { type: 'user', id: 'bench' } };
  const fleet = await stack.deps.fleet.loadFleet(orgId); // warm-up, and the request's target
  const request = previewRequest(fleet);
  const walls: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t = await timed(() => preview(stack.deps, caller, request));
    walls.push(t.wallMs);
    figures.add(`${key}.wall`, t.wallMs);
    figures.add(`${key}.cpu`, t.cpuMs);
    figures.add(`${key}.jvm`, t.jvmCpuMs);
    log(
      `  preview ${size} run ${run + 1}: ${Math.round(t.wallMs)} ms wall, ` +
        `${Math.round(t.cpuMs)} ms CPU, ${t.value.candidates.length} selected`,
    );
  }
  return median(walls);
}
